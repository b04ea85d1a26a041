import { z } from 'zod';

/** W3C trace-context `traceparent`: version-traceid-parentid-flags, lower-case hex. */
export const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

/** One subject token: actors and tenants end up in the subjects their messages travel on (see principalOf). */
const SLUG = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
/** An agent acts as `<name>@<version>`; its name is a lower-case slug. */
const AGENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}@[0-9A-Za-z.+-]{1,100}$/;

export const Actor = z
  .object({
    kind: z.enum(['user', 'agent', 'service']),
    id: z.string().min(1).max(200),
  })
  .superRefine((actor, ctx) => {
    if (actor.kind === 'agent' ? AGENT_ID.test(actor.id) : SLUG.test(actor.id)) return;
    const expected = actor.kind === 'agent' ? '<name>@<version>, the name a lower-case slug' : 'letters, digits, _ or - (one subject token)';
    ctx.addIssue({ code: 'custom', path: ['id'], message: `a ${actor.kind} id must be ${expected}` });
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
