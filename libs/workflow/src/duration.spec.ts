import { formatDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1.5s', 1_500],
    [' 10s ', 10_000],
    [250, 250],
    [0, 0],
  ])('given %p, then it is %p ms', (written, ms) => {
    expect(parseDuration(written)).toBe(ms);
  });

  it('given a string without a unit, then it refuses it and shows the accepted forms', () => {
    expect(() => parseDuration('30')).toThrow('invalid duration "30": write a number followed by ms, s, m or h (e.g. 500ms, 30s, 2m, 1h), or whole milliseconds');
  });

  it.each(['5 minutes', '1d', 's', '-1s', ''])('given %p, then it is refused', (written) => {
    expect(() => parseDuration(written)).toThrow(`invalid duration "${written}"`);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('given the number %p, then it is refused as milliseconds', (ms) => {
    expect(() => parseDuration(ms)).toThrow(`invalid duration ${ms}: a number of milliseconds must be a whole number ≥ 0`);
  });
});

describe('formatDuration', () => {
  it.each([
    [30_000, '30s'],
    [120_000, '2m'],
    [3_600_000, '1h'],
    [1_500, '1500ms'],
    [0, '0ms'],
  ])('given %p ms, then it is written %p', (ms, written) => {
    expect(formatDuration(ms)).toBe(written);
  });
});
