import { DocumentError, InvalidPayloadError } from '@agentos/contracts';
import { RpcException } from '@nestjs/microservices';
import { ZodError } from 'zod';
import { InvalidMessageError } from './publisher';

/** How a message no delivery can help is parked: refused by its handler, or invalid (too deep, too large, malformed). */
export type PermanentReason = 'refused' | 'invalid-message';

/** A failure as it crosses Nest's exception filter: the payload of a PermanentFailure. */
interface PermanentPayload {
  status: 'error';
  permanent: PermanentReason;
  message: string;
}

export type FailureClass = { permanent: true; reason: PermanentReason; error: string } | { permanent: false; error: string };

/**
 * A failure that another delivery would repeat, so the worker parks the message at once with this
 * message as the reason. An RpcException because Nest's RPC exception filter replaces any other error
 * with "Internal server error"; this one's payload reaches the worker, which classifyFailure recognises.
 */
export class PermanentFailure extends RpcException {
  constructor(readonly reason: PermanentReason, message: string) {
    super({ status: 'error', permanent: reason, message } satisfies PermanentPayload);
  }
}

/**
 * Errors the message itself causes: its payload fails a schema (received, or built from it), a
 * document in it is invalid, or it is so deep or large that handling it ran out of stack or memory
 * (RangeError). Anything else (timeouts, no responders, a closed connection, a lost revision race)
 * may pass on a later delivery.
 */
function causedByTheMessage(error: unknown): boolean {
  return error instanceof InvalidPayloadError || error instanceof InvalidMessageError || error instanceof ZodError || error instanceof DocumentError || error instanceof RangeError;
}

const messageOf = (error: unknown): string => {
  if (typeof error === 'string') return error;
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
};

/** Whether a handler's failure is permanent, directly or as Nest's exception filter handed it over. */
export function classifyFailure(error: unknown): FailureClass {
  if (error instanceof PermanentFailure) return { permanent: true, reason: error.reason, error: error.message };
  const payload = error as Partial<PermanentPayload> | undefined;
  if ((payload?.permanent === 'refused' || payload?.permanent === 'invalid-message') && typeof payload.message === 'string') {
    return { permanent: true, reason: payload.permanent, error: payload.message };
  }
  if (causedByTheMessage(error)) return { permanent: true, reason: 'invalid-message', error: messageOf(error) };
  return { permanent: false, error: messageOf(error) };
}
