import { QueryFailedError, isNatsUnreachable } from '@agentos/messaging';

/**
 * NATS could not be reached or did not answer in time: the task is not at fault and must not fail.
 * The agent SDK throws it (or a NATS error) out of the task's handler so the task is nak'd and redelivered.
 */
export class InfrastructureError extends Error {
  override name = 'InfrastructureError';
}

/** NATS_UNREACHABLE_CODES, as a service that hit it passes it on in its error reply (only the message crosses the wire). */
const UNREACHABLE_TEXT = /\b(TIMEOUT|503|no responders|DISCONNECT|CONNECTION_(CLOSED|DRAINING|REFUSED|TIMEOUT)|temporarily unavailable)\b/;

/**
 * Whether `error` is an infrastructure failure (NATS timeout, disconnect, no responders, JetStream
 * unavailable) rather than the agent's own (its code threw, policy denied, bad input).
 */
export function isInfrastructureError(error: unknown): boolean {
  if (error instanceof InfrastructureError) return true;
  if (isNatsUnreachable(error)) return true;
  return error instanceof QueryFailedError && UNREACHABLE_TEXT.test(error.message);
}
