import type { MessageOf } from '@agentos/contracts';
import type { RecordedEvent } from '@agentos/event-store';
import { CompiledPolicy, type PolicyBundle } from '@agentos/policy-engine';

export interface ChangedDecision {
  revision: number;
  requestId: string;
  action: string;
  resource: string;
  recorded: { effect: string; rule: string | null; bundleVersion: string };
  whatIf: { effect: string; rule: string | null; reason: string };
}

/**
 * Re-evaluates every recorded policy decision of a history under another bundle, with the same
 * inputs and the same moment, and lists those whose effect would differ (a different rule reaching
 * the same effect is not a change of outcome).
 * Rate limits, budgets and kill switches are state of the live system, not of the bundle: they are
 * not re-applied here.
 */
export function whatIf(records: readonly RecordedEvent[], bundle: PolicyBundle): { decisions: number; changed: ChangedDecision[] } {
  const policy = new CompiledPolicy(bundle);
  const changed: ChangedDecision[] = [];
  let decisions = 0;
  for (const { revision, event } of records) {
    if (event.type !== 'PolicyDecided') continue;
    const decided = (event as MessageOf<'PolicyDecided'>).payload;
    decisions += 1;
    const verdict = policy.evaluate({
      tenant: event.tenant,
      at: event.occurredAt,
      check: { requestId: decided.requestId, intentId: decided.intentId, action: decided.action, subject: decided.subject ?? {}, resource: decided.resource, context: decided.context ?? {} },
    });
    if (verdict.effect !== decided.effect) {
      changed.push({
        revision,
        requestId: decided.requestId,
        action: decided.action,
        resource: `${decided.resource.kind} ${decided.resource.name}`,
        recorded: { effect: decided.effect, rule: decided.rule, bundleVersion: decided.bundleVersion },
        whatIf: { effect: verdict.effect, rule: verdict.rule, reason: verdict.reason },
      });
    }
  }
  return { decisions, changed };
}
