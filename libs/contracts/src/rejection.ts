import { CATALOG } from './catalog';
import { TenantId, type Actor } from './envelope';
import { deriveId, isUuid } from './ids';
import type { MessageOf } from './message';
import type { ValidationIssue } from './messages/operations';
import { parsePayload } from './validation';

/** The commands that start a run, and the fact that tells their sender it was refused. */
const RUN_STARTS = {
  SubmitIntent: { fact: 'IntentRejected', runField: 'intentId' },
  RunWorkflow: { fact: 'WorkflowRejected', runField: 'workflowId' },
} as const;

export type RejectionFact = MessageOf<'IntentRejected'> | MessageOf<'WorkflowRejected'>;

const objectOr = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/**
 * Feedback for a run-starting command that failed its schema: the sender follows its conversation (correlation id)
 * on the results subject, so it gets an IntentRejected / WorkflowRejected with every field's problem instead of
 * silence (the message is dead-lettered as well). Undefined when the envelope does not name a correlation id, or for
 * any other type. The tenant is the subject's, which the broker authenticated, never the envelope's: the
 * rejection reaches only the sender's own tenant, whatever the malformed envelope claims.
 */
export function rejectionOfInvalid(type: string, data: Uint8Array, subject: string, issues: readonly ValidationIssue[], actor: Actor): RejectionFact | undefined {
  if (!Object.hasOwn(RUN_STARTS, type)) return undefined;
  const { fact, runField } = RUN_STARTS[type as keyof typeof RUN_STARTS];
  let raw: Record<string, unknown>;
  try {
    raw = objectOr(JSON.parse(Buffer.from(data).toString('utf8')));
  } catch {
    return undefined;
  }
  const correlationId = typeof raw.correlationId === 'string' && isUuid(raw.correlationId) ? raw.correlationId : undefined;
  const tenant = TenantId.safeParse(subject.split('.').at(-2));
  if (!correlationId || !tenant.success) return undefined;
  const runId = objectOr(raw.payload)[runField];
  const causeId = typeof raw.id === 'string' && isUuid(raw.id) ? raw.id : deriveId(subject, correlationId);
  const problems = issues.map((issue) => `${issue.path}: ${issue.message}`);
  const payload = { [runField]: typeof runId === 'string' && isUuid(runId) ? runId : correlationId, reason: `invalid ${type}: ${problems.join('; ')}`, rule: null, problems };
  return {
    id: deriveId(causeId, fact, 'invalid'),
    type: fact,
    version: CATALOG[fact].version,
    occurredAt: new Date().toISOString(),
    correlationId,
    causationId: causeId,
    tenant: tenant.data,
    actor,
    payload: parsePayload(fact, payload),
  } as RejectionFact;
}
