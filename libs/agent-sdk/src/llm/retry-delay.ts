/** Longest we wait between attempts, whatever the server asks: an agent's task has its own deadline. */
export const MAX_RETRY_DELAY_MS = 10_000;
const BASE_DELAY_MS = 250;

/** Status codes worth another try: rate limiting and server-side failures. Other 4xx will fail again. */
export const isRetryableStatus = (status: number) => status === 429 || status >= 500;

/**
 * How long to wait before retry number `attempt` (0 for the first retry): the server's
 * Retry-After when it gives one in seconds (HTTP dates are rare here and fall back), else
 * exponential backoff from 250 ms; capped at 10 s either way.
 */
export function retryDelayMs(attempt: number, retryAfter: string | null): number {
  const seconds = retryAfter === null || retryAfter.trim() === '' ? NaN : Number(retryAfter);
  const wanted = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1_000 : BASE_DELAY_MS * 2 ** attempt;
  return Math.min(wanted, MAX_RETRY_DELAY_MS);
}

/** Waits, but stops waiting (rejecting with the signal's reason) as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
