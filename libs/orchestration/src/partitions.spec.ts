import { partitionOf } from './partitions';

describe('partitionOf', () => {
  it('is FNV-1a of the id, modulo the count (the published test vectors)', () => {
    // FNV-1a 32: "" → 0x811c9dc5, "a" → 0xe40c292c, "foobar" → 0xbf9cf968.
    expect(partitionOf('', 2 ** 32)).toBe(0x811c9dc5);
    expect(partitionOf('a', 2 ** 32)).toBe(0xe40c292c);
    expect(partitionOf('foobar', 2 ** 32)).toBe(0xbf9cf968);
    expect(partitionOf('foobar', 16)).toBe(0xbf9cf968 % 16);
  });

  it('spreads run ids evenly over the partitions', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i += 1) counts[partitionOf(crypto.randomUUID(), 16)] += 1;
    // 1,000 expected per partition; a spread beyond ±20 % would starve or overload a replica.
    for (const count of counts) expect(count).toBeGreaterThan(800);
    for (const count of counts) expect(count).toBeLessThan(1_200);
  });
});
