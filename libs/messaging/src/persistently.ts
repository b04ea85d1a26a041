import { classifyFailure } from './error-class';
import type { Log } from './log';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Persistence {
  /** Logged with each failure. */
  fields?: Record<string, unknown>;
  /** Only the errors this accepts are retried; any other is thrown at once. Default: every error. */
  retryIf?: (error: unknown) => boolean;
  /** Gives up once aborted (the task's deadline, a kill), throwing the last error. */
  signal?: AbortSignal;
  /** The longest wait between tries (default 5 s): shorter where a try costs nothing while the other side is away. */
  maxDelayMs?: number;
}

/**
 * Runs `write` until it succeeds, backing off from 250 ms to 5 s (maxDelayMs): for what must not be dropped while
 * NATS restarts (a task's outcome, its record in the step ledger, what a task's code sends while it runs).
 * Each failure is logged with `what`.
 */
export async function persistently<T>(what: string, write: () => Promise<T>, log: Log, persistence: Persistence = {}): Promise<T> {
  const { fields = {}, retryIf = () => true, signal, maxDelayMs = 5_000 } = persistence;
  // A permanent failure (the message is invalid) is thrown at once, whatever retryIf says: no retry would write it.
  const retryable = (error: unknown) => !classifyFailure(error).permanent && retryIf(error);
  for (let wait = Math.min(250, maxDelayMs); ; wait = Math.min(wait * 2, maxDelayMs)) {
    try {
      return await write();
    } catch (error) {
      if (!retryable(error) || signal?.aborted) throw error;
      log.warn({ ...fields, err: (error as Error).message }, `${what} did not go through; retrying`);
      const aborted = await sleep(wait, false, { signal }).catch(() => true);
      if (aborted) throw error;
    }
  }
}
