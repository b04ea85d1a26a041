import { classifyFailure, type Log } from '@agentos/messaging';

/**
 * Runs `write` until it succeeds, backing off from 250 ms to 5 s: for what must not be dropped while
 * NATS restarts (a task's outcome, its record in the step ledger). Each failure is logged with `what`.
 * A permanent failure (the message is invalid) is thrown at once: no retry would ever write it.
 */
export async function persistently<T>(what: string, write: () => Promise<T>, log: Log, fields: Record<string, unknown> = {}): Promise<T> {
  for (let wait = 250; ; wait = Math.min(wait * 2, 5_000)) {
    try {
      return await write();
    } catch (error) {
      if (classifyFailure(error).permanent) throw error;
      log.warn({ ...fields, err: (error as Error).message }, `${what} not written yet; retrying`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
