import type { Envelope, MessageOf } from '@agentos/contracts';
import { awaitsVerdict, type RunState } from '@agentos/orchestration';
import { isDeepStrictEqual } from 'node:util';

export type PolicyCheck = MessageOf<'PolicyCheckRequested'>;

export const isPolicyCheck = (event: Envelope): event is PolicyCheck => event.type === 'PolicyCheckRequested';

/** The run's checks among `events` that still await policy's verdict in `state`. */
export const pendingChecks = (state: RunState, events: readonly Envelope[]): PolicyCheck[] =>
  events.filter(isPolicyCheck).filter((check) => awaitsVerdict(state, check.payload.requestId));

/** The service whose answers to a run's checks move it on. */
const POLICY = 'policy';

const pick = <T extends object, K extends keyof T>(value: T, keys: K[]) => Object.fromEntries(keys.map((key) => [key, value[key]])) as Pick<T, K>;

/**
 * Policy's answer to a run's check, taken only as the verdict on that very check (its id, tenant, request and what it
 * asked about), from policy: anything else moves nothing, and the check is asked again.
 */
export function verdictOn(check: PolicyCheck, verdict: MessageOf<'PolicyDecided'>): MessageOf<'PolicyDecided'> {
  const { requestId, intentId, action, resource, subject } = check.payload;
  const answers =
    verdict.causationId === check.id &&
    verdict.tenant === check.tenant &&
    verdict.actor.kind === 'service' &&
    verdict.actor.id === POLICY &&
    isDeepStrictEqual({ requestId, intentId, action, resource, subject }, pick(verdict.payload, ['requestId', 'intentId', 'action', 'resource', 'subject']));
  if (!answers) throw new Error(`policy's answer ${verdict.id} to check ${check.id} of run ${intentId} is not a verdict on that check`);
  return verdict;
}
