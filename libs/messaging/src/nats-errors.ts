/**
 * How the platform reads nats.js errors, in one place: each caller asks the question it needs (is this NATS at all,
 * was NATS away, did the JetStream API time out, is a consumer gone), on the error's code (nats.js errors carry one).
 */
const codeOf = (error: unknown): unknown => (error as { code?: unknown } | undefined)?.code;

/** A failure of NATS itself (any nats.js error: a timeout, no responders, a lost connection), not a bug in the caller. */
export const isNatsError = (error: unknown): boolean => typeof codeOf(error) === 'string';

/** nats.js error codes that mean the server or a responder was away, never that the request was wrong. */
export const NATS_UNREACHABLE_CODES: ReadonlySet<string> = new Set(['TIMEOUT', '408', '503', 'DISCONNECT', 'CONNECTION_CLOSED', 'CONNECTION_DRAINING', 'CONNECTION_REFUSED', 'CONNECTION_TIMEOUT']);

/** NATS or a responder was away (see NATS_UNREACHABLE_CODES): asking again later may succeed. */
export const isNatsUnreachable = (error: unknown): boolean => {
  const code = codeOf(error);
  return typeof code === 'string' && NATS_UNREACHABLE_CODES.has(code);
};

/** The JetStream API did not answer in time, or was unavailable: a cluster forming or electing its leaders. */
export const isJetStreamApiTimeout = (error: unknown): boolean => ['TIMEOUT', '503'].includes(String(codeOf(error)));

/** Pull failures that may mean the durable consumer no longer exists: not found, deleted, no responders. */
export const isConsumerMissing = (error: unknown): boolean => ['404', '409', '503'].includes(String(codeOf(error)));
