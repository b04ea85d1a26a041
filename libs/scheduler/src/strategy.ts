import type { Priority, StepTarget } from '@agentos/contracts';

/** A ready task waiting for a free slot on a matching agent instance. */
export interface QueuedTask {
  taskId: string;
  workflowId: string;
  tenant: string;
  priority: Priority;
  target: StepTarget;
  queuedAt: number;
}

/** A queued task with its enqueue order: `seq` breaks every tie, so each strategy is a total order. */
export type QueuedEntry = QueuedTask & { seq: number };

/** What a strategy may look at besides the candidates; maps are live, read-only views. */
export interface SchedulerView {
  /** Tasks currently in flight per tenant (including those dispatched earlier in the same plan). */
  readonly inFlightByTenant: ReadonlyMap<string, number>;
  /** Tasks dispatched per tenant since the scheduler was created. */
  readonly dispatchedByTenant: ReadonlyMap<string, number>;
}

/**
 * Picks which task goes next.
 *
 * For speed the scheduler does not hand over every queued task: `candidates` holds the oldest task
 * (lowest seq) of each (target, tenant, priority) group that can run now. A strategy must
 * therefore rank only by target, tenant, priority, seq and the view, and prefer the lower seq
 * among otherwise equal tasks; the three built-in ones do.
 */
export interface SchedulingStrategy {
  readonly name: string;
  /** Picks the next task among those that can run now; `candidates` is never empty. */
  next(candidates: readonly QueuedEntry[], view: SchedulerView): QueuedEntry;
}

const priorityRank: Record<Priority, number> = { high: 0, normal: 1, low: 2 };
type Compare = (a: QueuedEntry, b: QueuedEntry) => number;

const bySeq: Compare = (a, b) => a.seq - b.seq;
const byPriorityThenSeq: Compare = (a, b) => priorityRank[a.priority] - priorityRank[b.priority] || bySeq(a, b);
// Plain code-unit order, not localeCompare: the result must not depend on the host's locale.
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** One linear pass: candidates are few (one per group), and sorting them would allocate. */
function best(candidates: readonly QueuedEntry[], compare: Compare): QueuedEntry {
  if (candidates.length === 0) throw new Error('a scheduling strategy needs at least one candidate');
  let winner = candidates[0];
  for (const candidate of candidates) if (compare(candidate, winner) < 0) winner = candidate;
  return winner;
}

/** Strictly in enqueue order. */
export const fifo: SchedulingStrategy = { name: 'fifo', next: (candidates) => best(candidates, bySeq) };

/** high before normal before low; enqueue order within a priority. */
export const priority: SchedulingStrategy = { name: 'priority', next: (candidates) => best(candidates, byPriorityThenSeq) };

/**
 * The tenant with the fewest tasks in flight goes first (ties: fewest dispatched so far, then tenant
 * name), then priority and enqueue order within that tenant. A tenant that floods the queue
 * therefore only delays itself: every other tenant with work gets a turn as soon as it has fewer
 * tasks running.
 */
export const fairShare: SchedulingStrategy = {
  name: 'fair-share',
  next: (candidates, view) => {
    const count = (counts: ReadonlyMap<string, number>, tenant: string) => counts.get(tenant) ?? 0;
    return best(
      candidates,
      (a, b) =>
        count(view.inFlightByTenant, a.tenant) - count(view.inFlightByTenant, b.tenant) ||
        count(view.dispatchedByTenant, a.tenant) - count(view.dispatchedByTenant, b.tenant) ||
        byString(a.tenant, b.tenant) ||
        byPriorityThenSeq(a, b),
    );
  },
};

export const strategies = { fifo, priority, 'fair-share': fairShare } as const satisfies Record<string, SchedulingStrategy>;
export type StrategyName = keyof typeof strategies;

/** Resolves a configured strategy name; a typo fails loudly with the valid names. */
export function strategyByName(name: string): SchedulingStrategy {
  if (Object.hasOwn(strategies, name)) return strategies[name as StrategyName];
  throw new Error(`unknown scheduling strategy "${name}"; valid strategies: ${Object.keys(strategies).join(', ')}`);
}
