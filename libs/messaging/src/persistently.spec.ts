import { persistently } from './persistently';
import { silentLog } from './log';

describe('persistently', () => {
  const failingTimes = (n: number) => {
    let calls = 0;
    return async () => {
      calls += 1;
      if (calls <= n) throw new Error(`timeout ${calls}`);
      return calls;
    };
  };

  it('tries until the write succeeds, waiting no longer between tries than maxDelayMs', async () => {
    const started = Date.now();
    // Three failures wait 250 + 500 + 1,000 ms by default; capped at 20 ms, about 60.
    await expect(persistently('a write', failingTimes(3), silentLog, { maxDelayMs: 20 })).resolves.toBe(4);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('gives up at once on an error it is not to retry', async () => {
    await expect(persistently('a write', failingTimes(1), silentLog, { retryIf: () => false })).rejects.toThrow('timeout 1');
  });
});
