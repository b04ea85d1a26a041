import { backoffDelayMs } from './backoff';

const retries = { max: 10, initialBackoffMs: 1_000, maxBackoffMs: 30_000 };
const seeds = Array.from({ length: 500 }, (_, i) => `wf-${i}:charge`);

describe('backoffDelayMs', () => {
  it('given the same seed, then the same delay (replay computes what the first run did)', () => {
    expect(backoffDelayMs(retries, 3, 'seed')).toBe(backoffDelayMs(retries, 3, 'seed'));
    // Pinned: SHA-256("seed") starts 0x19b25856e1c1, ≈ 0.1004 of the range [2000, 4000].
    expect(backoffDelayMs(retries, 3, 'seed')).toBe(2_200);
  });

  it('given successive attempts, then the delay doubles until the cap, each within its jitter band', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffDelayMs(retries, attempt, `wf-1:charge:${attempt}`))).toEqual([925, 1_112, 2_497, 5_684, 11_873, 26_719, 23_694]);
  });

  it.each([
    [1, 500, 1_000],
    [2, 1_000, 2_000],
    [3, 2_000, 4_000],
    [5, 8_000, 16_000],
    [6, 15_000, 30_000],
    [1_000, 15_000, 30_000],
  ])('given attempt %p, then every delay is between 50%% and 100%% of the capped backoff [%p, %p] and the jitter spans that band', (attempt, low, high) => {
    const delays = seeds.map((seed) => backoffDelayMs(retries, attempt, seed));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(low);
    expect(Math.max(...delays)).toBeLessThanOrEqual(high);
    // Spread: 500 draws land near both ends of the band, so the jitter is real.
    expect(Math.min(...delays)).toBeLessThan(low + (high - low) * 0.05);
    expect(Math.max(...delays)).toBeGreaterThan(high - (high - low) * 0.05);
    expect(delays.every(Number.isInteger)).toBe(true);
  });

  it('given a zero backoff, then there is no delay, even after many attempts', () => {
    expect(backoffDelayMs({ max: 3, initialBackoffMs: 0, maxBackoffMs: 0 }, 50, 's')).toBe(0);
  });

  it('given an attempt that is not a whole number ≥ 1, then it is refused', () => {
    expect(() => backoffDelayMs(retries, 0, 's')).toThrow('attempt must be a whole number ≥ 1, got 0');
    expect(() => backoffDelayMs(retries, 1.5, 's')).toThrow('attempt must be a whole number ≥ 1, got 1.5');
  });
});
