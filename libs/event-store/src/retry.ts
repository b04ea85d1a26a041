import { EventStoreUnavailableError } from './port';

const MAX_DELAY_MS = 5_000;

export interface RetryOptions {
  attempts: number;
  initialDelayMs: number;
  isTransient: (error: unknown) => boolean;
}

/** Retries transient failures (a lost connection) with backoff; after the bound, says so. */
export async function retryTransient<T>(what: string, operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      if (!options.isTransient(error)) throw error;
      if (attempt >= options.attempts) {
        throw new EventStoreUnavailableError(`${what} failed ${attempt} times: ${(error as Error).message}`, error);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_DELAY_MS, options.initialDelayMs * 2 ** (attempt - 1))));
    }
  }
}
