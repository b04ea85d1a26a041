import { z } from 'zod';

/** W3C trace-context `traceparent`: version-traceid-parentid-flags, lower-case hex. */
export const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

export const Actor = z.object({
  kind: z.enum(['user', 'agent', 'service']),
  id: z.string().min(1).max(200),
});
export type Actor = z.infer<typeof Actor>;

/** Tenants appear in subjects and stream names later, so they are restricted to a subject-safe slug. */
export const TenantId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'tenant must be a lower-case slug (a-z, 0-9, -), at most 63 characters');

/**
 * Every message on the bus is an envelope. `id` is the event id: it is the JetStream
 * de-duplication id on publish and the idempotency key of event-store appends.
 */
export const EnvelopeHeader = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.uuid(),
  causationId: z.uuid().nullable(),
  tenant: TenantId,
  actor: Actor,
  traceparent: z.string().regex(TRACEPARENT, 'traceparent must follow W3C trace-context').optional(),
});
export type EnvelopeHeader = z.infer<typeof EnvelopeHeader>;

export interface Envelope<TType extends string = string, TPayload = unknown> extends EnvelopeHeader {
  type: TType;
  payload: TPayload;
}
