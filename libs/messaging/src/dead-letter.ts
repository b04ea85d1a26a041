import { SYSTEM_TENANT, TRACEPARENT, TenantId, createMessage, deriveId, isUuid, type Actor, type MessageOf, type ValidationIssue } from '@agentos/contracts';
import type { JsMsg } from 'nats';

/** Why a consumer parks a message (retries-exhausted is no longer parked: a spent step is a failed step, not a dead letter). */
export type DeadLetterReason = Exclude<MessageOf<'MessageDeadLettered'>['payload']['reason'], 'retries-exhausted'>;

/** NATS' default max payload is 1 MiB; the original (and the error texts, which may quote it) are cut so the dead letter itself always fits. */
const MAX_ORIGINAL_CHARS = 256 * 1024;
const MAX_ERROR_CHARS = 4 * 1024;
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…[truncated]` : text);

/** Who parks a message: the principal the consumer's process runs as (its dead letter is published under it). */
export interface ParkedBy {
  tenant: string;
  actor: Actor;
}

/** A service: the platform tenant, acting as itself. */
export const serviceIdentity = (service: string): ParkedBy => ({ tenant: SYSTEM_TENANT, actor: { kind: 'service', id: service } });

interface DeadLetterInput {
  service: string;
  consumer: string;
  /**
   * What the letter's id is derived from, when not the consumer: the instances of a service that each read
   * every message (a consumer per instance) park one letter between them, not one each.
   */
  letterKey?: string;
  /** The message as it arrived: its subject, sequence, deliveries and bytes. */
  message: Pick<JsMsg, 'subject' | 'seq' | 'data'> & { info: { deliveryCount: number } };
  parkedBy?: ParkedBy;
  reason: DeadLetterReason;
  error: string;
  issues?: ValidationIssue[];
}

/** What we can recover from a message that may not even be JSON, to keep the dead letter traceable. */
function salvageHeader(text: string): { id?: string; correlationId?: string; tenant?: string; traceparent?: string } {
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
    return { id: str(raw.id), correlationId: str(raw.correlationId), tenant: str(raw.tenant), traceparent: str(raw.traceparent) };
  } catch {
    return {};
  }
}

/**
 * A platform principal files the letter under the tenant the message names, so each tenant sees what was refused
 * in its name; a tenant's principal may only publish in its own tenant.
 */
function letterTenant(parkedBy: ParkedBy, named: string | undefined): string {
  if (parkedBy.tenant !== SYSTEM_TENANT) return parkedBy.tenant;
  return TenantId.safeParse(named).success ? (named as string) : SYSTEM_TENANT;
}

/**
 * The dead letter of a message. Its id is derived from the consumer and the stream sequence, so
 * dead-lettering the same delivery twice (e.g. after a crash) stores it once.
 */
export function deadLetterFor(input: DeadLetterInput): MessageOf<'MessageDeadLettered'> {
  const text = Buffer.from(input.message.data).toString('utf8');
  const salvaged = salvageHeader(text);
  // A query has no stream sequence: its own id (or the bytes) tells one refused query from another.
  const delivery = input.message.seq > 0 ? String(input.message.seq) : `query ${salvaged.id ?? text}`;
  const id = deriveId('dead-letter', input.letterKey ?? input.consumer, delivery);
  const parkedBy = input.parkedBy ?? serviceIdentity(input.service);
  const letter = createMessage(
    'MessageDeadLettered',
    {
      service: input.service,
      consumer: input.consumer,
      subject: input.message.subject,
      streamSequence: input.message.seq,
      deliveries: input.message.info.deliveryCount,
      reason: input.reason,
      error: cut(input.error, MAX_ERROR_CHARS),
      issues: (input.issues ?? []).slice(0, 50).map((issue) => ({ path: cut(issue.path, 512), message: cut(issue.message, MAX_ERROR_CHARS) })),
      original: cut(text, MAX_ORIGINAL_CHARS),
    },
    {
      id,
      tenant: letterTenant(parkedBy, salvaged.tenant),
      actor: parkedBy.actor,
      correlationId: isUuid(salvaged.correlationId) ? salvaged.correlationId : undefined,
      traceparent: salvaged.traceparent && TRACEPARENT.test(salvaged.traceparent) ? salvaged.traceparent : undefined,
    },
  );
  return { ...letter, causationId: isUuid(salvaged.id) ? salvaged.id : null };
}
