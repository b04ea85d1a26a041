import { chooseBundle, sha256 } from './bundle-precedence';

const FILE = 'version: file-1\n';
const APPLIED = 'version: applied-1\n';

describe('chooseBundle', () => {
  it('puts the file in force while nothing was published', () => {
    expect(chooseBundle({ file: FILE })).toMatchObject({ source: 'file' });
  });

  it('keeps a bundle published over an unchanged file', () => {
    expect(chooseBundle({ file: FILE, published: APPLIED, fileShaInForce: sha256(FILE) })).toMatchObject({ source: 'published', reason: expect.stringContaining('policy apply') });
  });

  it('puts an edited file back in force over a published bundle', () => {
    expect(chooseBundle({ file: 'version: file-2\n', published: APPLIED, fileShaInForce: sha256(FILE) })).toMatchObject({ source: 'file', reason: expect.stringContaining('the file changed') });
  });

  it('says the file is in force when the published bundle is the file itself', () => {
    expect(chooseBundle({ file: FILE, published: FILE, fileShaInForce: sha256(FILE) })).toMatchObject({ source: 'file' });
  });

  it('keeps a bundle published before file changes were tracked', () => {
    expect(chooseBundle({ file: FILE, published: APPLIED })).toMatchObject({ source: 'published' });
  });
});
