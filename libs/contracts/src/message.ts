import type { z } from 'zod';
import { CATALOG, type Catalog, type MessageType, type QueryType } from './catalog';
import type { Actor, Envelope } from './envelope';
import { deriveId, newId } from './ids';
import { parsePayload } from './validation';

export type PayloadOf<T extends MessageType> = z.output<Catalog[T]['schema']>;
export type PayloadInput<T extends MessageType> = z.input<Catalog[T]['schema']>;
export type MessageOf<T extends MessageType> = Envelope<T, PayloadOf<T>>;
export type ReplyOf<T extends QueryType> = z.output<Catalog[T]['reply']>;
export type AnyMessage = { [T in MessageType]: MessageOf<T> }[MessageType];

export interface Origin {
  tenant: string;
  actor: Actor;
  correlationId?: string;
  traceparent?: string;
  /** Set when the caller owns idempotency (e.g. a client retrying the same submission). */
  id?: string;
}

/** A new message that starts a conversation (or continues one when correlationId is given). */
export function createMessage<T extends MessageType>(type: T, payload: PayloadInput<T>, origin: Origin): MessageOf<T> {
  const id = origin.id ?? newId();
  return {
    id,
    type,
    version: CATALOG[type].version,
    occurredAt: new Date().toISOString(),
    correlationId: origin.correlationId ?? id,
    causationId: null,
    tenant: origin.tenant,
    actor: origin.actor,
    ...(origin.traceparent ? { traceparent: origin.traceparent } : {}),
    payload: parsePayload(type, payload),
  };
}

/**
 * A message caused by another: it inherits the correlation, tenant and trace, and its id is derived
 * from the cause, so handling the same cause twice produces the same message (see deriveId).
 * `discriminator` separates several messages of one type caused by one message.
 */
export function causedBy<T extends MessageType>(
  cause: Envelope,
  type: T,
  payload: PayloadInput<T>,
  actor: Actor,
  discriminator = '',
): MessageOf<T> {
  return {
    id: deriveId(cause.id, type, discriminator),
    type,
    version: CATALOG[type].version,
    occurredAt: new Date().toISOString(),
    correlationId: cause.correlationId,
    causationId: cause.id,
    tenant: cause.tenant,
    actor,
    ...(cause.traceparent ? { traceparent: cause.traceparent } : {}),
    payload: parsePayload(type, payload),
  };
}
