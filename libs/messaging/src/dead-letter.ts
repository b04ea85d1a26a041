import { TRACEPARENT, TenantId, createMessage, deriveId, isUuid, type MessageOf, type ValidationIssue } from '@agentos/contracts';
import type { JsMsg } from 'nats';

/** Why a consumer parks a message (the orchestrator parks spent tasks itself, as retries-exhausted). */
export type DeadLetterReason = Exclude<MessageOf<'MessageDeadLettered'>['payload']['reason'], 'retries-exhausted'>;

/** NATS' default max payload is 1 MiB; the original (and the error texts, which may quote it) are cut so the dead letter itself always fits. */
const MAX_ORIGINAL_CHARS = 256 * 1024;
const MAX_ERROR_CHARS = 4 * 1024;
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…[truncated]` : text);

interface DeadLetterInput {
  service: string;
  consumer: string;
  message: JsMsg;
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
 * The dead letter of a message. Its id is derived from the consumer and the stream sequence, so
 * dead-lettering the same delivery twice (e.g. after a crash) stores it once.
 */
export function deadLetterFor(input: DeadLetterInput): MessageOf<'MessageDeadLettered'> {
  const text = Buffer.from(input.message.data).toString('utf8');
  const salvaged = salvageHeader(text);
  const id = deriveId('dead-letter', input.consumer, String(input.message.seq));
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
      tenant: TenantId.safeParse(salvaged.tenant).success ? (salvaged.tenant as string) : 'system',
      actor: { kind: 'service', id: input.service },
      correlationId: isUuid(salvaged.correlationId) ? salvaged.correlationId : undefined,
      traceparent: salvaged.traceparent && TRACEPARENT.test(salvaged.traceparent) ? salvaged.traceparent : undefined,
    },
  );
  return { ...letter, causationId: isUuid(salvaged.id) ? salvaged.id : null };
}
