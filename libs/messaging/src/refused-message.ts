import { RpcException } from '@nestjs/microservices';

interface Refusal {
  status: 'error';
  refused: true;
  message: string;
}

/**
 * Thrown by a handler that refuses a message for what it is (a report from someone the task is not
 * assigned to, usage charged to another tenant's run): another delivery would be refused the same way,
 * so the worker dead-letters it at once, with this message as the reason, instead of retrying.
 *
 * An RpcException because Nest's RPC exception filter replaces any other error with "Internal server
 * error"; this one reaches the worker as its error object, which refusalIn recognises.
 */
export class RefusedMessage extends RpcException {
  constructor(reason: string) {
    super({ status: 'error', refused: true, message: reason } satisfies Refusal);
  }
}

/** The reason of a refusal a handler threw, directly or through Nest's exception filter; undefined for other errors. */
export function refusalIn(error: unknown): string | undefined {
  if (error instanceof RefusedMessage) return error.message;
  const candidate = error as Partial<Refusal> | undefined;
  return candidate?.refused === true && typeof candidate.message === 'string' ? candidate.message : undefined;
}
