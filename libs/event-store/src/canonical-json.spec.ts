import canonicalize from 'canonicalize';
import { canonicalJson } from './canonical-json';

/** A pseudo-random JSON-like value (seeded, so a failure repeats), with the awkward cases mixed in. */
function randomValue(next: () => number, depth: number): unknown {
  const strings = ['', 'plain', 'quote " and \\ backslash', 'tab\tnewline\n', '\u0000\u001f', 'é€😀', '\ud800 lone', '\u2028\u2029', 'x'.repeat(300)];
  const numbers = [0, -0, 1, -1.5, 1e21, 1e-7, 123456789.123, Number.MAX_SAFE_INTEGER, 5e-324];
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
  const kind = depth > 3 ? Math.floor(next() * 5) : Math.floor(next() * 9);
  if (kind === 0) return pick(strings);
  if (kind === 1) return pick(numbers);
  if (kind === 2) return next() < 0.5;
  if (kind === 3) return null;
  if (kind === 4) return undefined;
  if (kind === 5) return new Date(Math.floor(next() * 2e12));
  if (kind <= 6) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(next() * 5) }, () => [pick([...strings, 'a', 'B', 'b', '10', '9', 'ä']), randomValue(next, depth + 1)]));
}

describe('canonicalJson', () => {
  it('writes exactly what the canonicalize package writes, on a thousand varied values', () => {
    let seed = 42;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 1_000; i += 1) {
      const value = randomValue(next, 0);
      expect(canonicalJson(value)).toBe(canonicalize(value));
    }
  });

  it('sorts keys by UTF-16 code units and refuses what JSON cannot hold, as the package does', () => {
    expect(canonicalJson({ b: 1, a: [undefined, 2], '\u00e4': 'x', B: { d: null, c: true }, skipped: undefined })).toBe('{"B":{"c":true,"d":null},"a":[null,2],"b":1,"ä":"x"}');
    expect(() => canonicalJson({ n: NaN })).toThrow('NaN is not allowed');
    expect(() => canonicalJson([Infinity])).toThrow('Infinity is not allowed');
  });
});
