import { createHash } from 'node:crypto';
import { inclusionProof, leafHash, merkleRoot, verifyInclusion } from './merkle';

const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(`workflow-${i}\n${i}\n${'ab'.repeat(32)}`));

describe('RFC 6962 Merkle tree', () => {
  it('hashes a leaf with the 0x00 prefix and the empty tree as SHA-256 of nothing', () => {
    expect(leafHash('')).toBe(createHash('sha256').update(Buffer.from([0])).digest('hex'));
    expect(merkleRoot([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('splits at the largest power of two: a tree of three is (ab)c', () => {
    const [a, b, c] = leaves(3);
    const node = (l: string, r: string) => createHash('sha256').update(Buffer.concat([Buffer.from([1]), Buffer.from(l, 'hex'), Buffer.from(r, 'hex')])).digest('hex');
    expect(merkleRoot([a, b, c])).toBe(node(node(a, b), c));
  });

  it('proves every leaf of every tree size up to 33, and no proof holds for another leaf, index or root', () => {
    for (let n = 1; n <= 33; n += 1) {
      const tree = leaves(n);
      const root = merkleRoot(tree);
      for (let i = 0; i < n; i += 1) {
        const proof = inclusionProof(i, tree);
        expect([n, i, verifyInclusion(tree[i], i, n, proof, root)]).toEqual([n, i, true]);
        if (n > 1) {
          expect(verifyInclusion(tree[(i + 1) % n], i, n, proof, root)).toBe(false);
          expect(verifyInclusion(tree[i], (i + 1) % n, n, proof, root)).toBe(false);
        }
        expect(verifyInclusion(tree[i], i, n, proof, leafHash('another root'))).toBe(false);
      }
    }
  });
});
