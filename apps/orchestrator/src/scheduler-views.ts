import type { ReplyOf } from '@agentos/contracts';

type SchedulerState = ReplyOf<'GetSchedulerState'>;

const SEVERITY = { closed: 0, 'half-open': 1, open: 2 } as const;

const sumInto = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
};

/**
 * The scheduler of the whole orchestrator from each replica's (each schedules its own partitions' runs): counts add
 * up, every waiting task is listed, and an agent instance's circuit is shown as the worst any replica sees (each
 * replica keeps its own breaker per instance, fed by its own tasks).
 */
export function mergeSchedulerStates(states: readonly SchedulerState[]): SchedulerState {
  const queueDepth: Record<string, number> = {};
  const byTenant: Record<string, { queued: number; inFlight: number }> = {};
  const breakers = new Map<string, SchedulerState['breakers'][number]>();
  for (const state of states) {
    sumInto(queueDepth, state.queueDepth);
    for (const [tenant, counts] of Object.entries(state.byTenant)) {
      const total = (byTenant[tenant] ??= { queued: 0, inFlight: 0 });
      total.queued += counts.queued;
      total.inFlight += counts.inFlight;
    }
    for (const breaker of state.breakers) {
      const seen = breakers.get(breaker.instanceId);
      const worse = !seen || SEVERITY[breaker.state] > SEVERITY[seen.state] || (breaker.state === seen.state && breaker.consecutiveFailures > seen.consecutiveFailures);
      if (worse) breakers.set(breaker.instanceId, breaker);
    }
  }
  const sorted = <T>(record: Record<string, T>) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    strategy: states[0]?.strategy ?? 'unknown',
    queued: states.reduce((n, s) => n + s.queued, 0),
    inFlight: states.reduce((n, s) => n + s.inFlight, 0),
    queueDepth: sorted(queueDepth),
    byTenant: sorted(byTenant),
    breakers: [...breakers.values()].sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0)),
    waiting: states.flatMap((s) => s.waiting),
  };
}
