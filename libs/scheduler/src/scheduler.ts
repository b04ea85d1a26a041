import type { AgentDescriptor } from '@agentos/contracts';
import { LRUCache } from 'lru-cache';
import { CircuitBreaker, resolveBreakerOptions, type BreakerOptions, type BreakerState, type BreakerTransition, type TaskOutcome } from './breaker';
import { matches, pickSlot, servesTenant, type Slot } from './matching';
import { TaskQueue, type Bucket } from './queue';
import { readyReason, targetStatus, type TargetStatus } from './waiting';
import { strategies, type QueuedEntry, type QueuedTask, type SchedulerView, type SchedulingStrategy } from './strategy';

export interface Dispatch {
  task: QueuedTask;
  instance: AgentDescriptor;
}

/** Vetoes a (task, instance) pair, e.g. an active kill switch. Must be pure: plan may ask twice. */
export type Excluded = (task: QueuedTask, instance: AgentDescriptor) => boolean;

export interface PlanOptions {
  excluded?: Excluded;
}

export interface SchedulerOptions {
  /** Default: fair-share. */
  strategy?: SchedulingStrategy;
  /** Defaults: failureThreshold 3, cooldownMs 5 000. */
  breaker?: Partial<BreakerOptions>;
  /** How many finished task ids are remembered against a repeated "task ready" (default 100,000; least recent forgotten first). */
  finishedMemory?: number;
}

export interface WaitingTask {
  task: QueuedTask;
  reason: string;
}

export interface SchedulerSnapshot {
  strategy: string;
  queued: number;
  inFlight: number;
  /** Queued tasks by target key, e.g. "capability:summarise" or "agent:x@1.0.0". */
  queueDepth: Record<string, number>;
  byTenant: Record<string, { queued: number; inFlight: number }>;
  breakers: Array<{ instanceId: string; state: BreakerState; consecutiveFailures: number }>;
}

interface Flight {
  entry: QueuedEntry;
  instanceId: string;
  /** Its workflow ended while it ran: it keeps its slot until it reports, then it is dropped. */
  cancelled: boolean;
}

/** One bucket during one plan() call: `cursor` only moves forward, because free slots only shrink. */
interface Group {
  bucket: Bucket;
  /** Instances serving the bucket's target that had a free slot when the plan started. */
  serving: Slot[];
  cursor: number;
  head: QueuedEntry | undefined;
  /** The head must be looked for again (its task left, or an instance it relied on filled up). */
  stale: boolean;
}

const toTask = ({ taskId, workflowId, tenant, priority, target, queuedAt }: QueuedEntry): QueuedTask => ({ taskId, workflowId, tenant, priority, target, queuedAt });
const bump = (counts: Map<string, number>, key: string, by: number) => {
  const next = (counts.get(key) ?? 0) + by;
  if (next === 0) counts.delete(key);
  else counts.set(key, next);
};
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The orchestrator's task scheduler: pure and deterministic (no I/O, no timers; the clock is an
 * argument), so the orchestrator can rebuild it after a restart and tests need no fakes.
 *
 * Complexity of plan() with n queued tasks in B (target, tenant, priority) buckets, T distinct
 * targets, I live instances and D dispatches (D ≤ total free slots):
 * - matching: O(T·I) once per plan, instead of once per task;
 * - each dispatch: one pass over the bucket heads and one strategy call, O(B);
 * - a bucket's head is looked for again only when the bucket dispatched or an instance serving it
 *   filled up (at most I times), and a task vetoed on every free instance is skipped for good
 *   (free slots only shrink during a plan), so `excluded` runs O((n + D + I·B)·I) times at worst;
 * - it stops as soon as no instance has a free slot, and returns at once when none had one.
 * Total O(T·I + D·B + (n + D + I·B)·I): linear in the queue, never O(n²). Dispatched tasks leave
 * their buckets in one filter per bucket at the end.
 */
export class Scheduler {
  readonly strategy: SchedulingStrategy;
  private readonly breakerOptions: BreakerOptions;
  private readonly queue = new TaskQueue();
  private readonly flights = new Map<string, Flight>();
  private readonly flightsByInstance = new Map<string, Set<string>>();
  private readonly inFlightByTenant = new Map<string, number>();
  private readonly dispatchedByTenant = new Map<string, number>();
  /** Queued and in-flight task ids per workflow, for removeWorkflow. */
  private readonly byWorkflow = new Map<string, Set<string>>();
  /**
   * Finished or removed task ids: a redelivered "task ready" must not run a task twice. Bounded, since
   * redeliveries come within minutes; beyond that the decider and the agents' step ledger still refuse.
   */
  private readonly done: LRUCache<string, true>;
  private readonly breakers = new Map<string, CircuitBreaker>();
  /** instanceId → the one probe task in flight on that half-open instance. */
  private readonly probes = new Map<string, string>();
  /** Transitions made by time passing inside plan/waiting/snapshot, until finished() or breakerTransitions() reports them. */
  private pending: BreakerTransition[] = [];
  private nextSeq = 0;
  private readonly view: SchedulerView = { inFlightByTenant: this.inFlightByTenant, dispatchedByTenant: this.dispatchedByTenant };

  constructor(options: SchedulerOptions = {}) {
    this.strategy = options.strategy ?? strategies['fair-share'];
    this.breakerOptions = resolveBreakerOptions(options.breaker);
    this.done = new LRUCache({ max: options.finishedMemory ?? 100_000 });
  }

  /** Queues a ready task; false (and no change) if the task id is already queued, in flight or finished. */
  enqueue(task: QueuedTask): boolean {
    if (this.queue.has(task.taskId) || this.flights.has(task.taskId) || this.done.has(task.taskId)) return false;
    if (task.target.capability === undefined && task.target.agent === undefined) throw new Error(`task ${task.taskId} names neither a capability nor an agent`);
    const entry: QueuedEntry = { ...task, seq: this.nextSeq++ };
    this.queue.add(entry);
    this.track(entry);
    return true;
  }

  /** Forgets a task, e.g. because its workflow ended. A task in flight keeps its slot until it reports. */
  remove(taskId: string): void {
    const flight = this.flights.get(taskId);
    if (flight) flight.cancelled = true;
    else this.retire([taskId]);
  }

  removeWorkflow(workflowId: string): void {
    const ids = this.byWorkflow.get(workflowId);
    if (!ids) return;
    for (const id of ids) {
      const flight = this.flights.get(id);
      if (flight) flight.cancelled = true;
    }
    this.retire([...ids].filter((id) => !this.flights.has(id)));
  }

  /** Which queued task goes to which instance now; the dispatched tasks are in flight on return. */
  plan(instances: readonly AgentDescriptor[], now: number, options: PlanOptions = {}): Dispatch[] {
    this.advance(now);
    const slots = this.slotsFor(instances);
    let free = 0;
    for (const slot of slots.values()) free += slot.free;
    if (free === 0 || this.queue.size === 0) return []; // back-pressure: tasks stay queued
    const excluded = options.excluded ?? (() => false);

    const servingByTarget = new Map<string, Slot[]>();
    const groups: Group[] = [];
    const groupsByInstance = new Map<string, Group[]>();
    for (const bucket of this.queue.buckets()) {
      let serving = servingByTarget.get(bucket.targetKey);
      if (!serving) {
        serving = [...slots.values()].filter((slot) => slot.free > 0 && matches(bucket.target, slot.instance));
        servingByTarget.set(bucket.targetKey, serving);
      }
      const tenant = bucket.tenant;
      const forTenant = serving.filter((slot) => servesTenant(slot.instance, tenant));
      if (forTenant.length === 0) continue;
      const group: Group = { bucket, serving: forTenant, cursor: 0, head: undefined, stale: true };
      groups.push(group);
      for (const slot of forTenant) {
        const list = groupsByInstance.get(slot.instance.instanceId);
        if (list) list.push(group);
        else groupsByInstance.set(slot.instance.instanceId, [group]);
      }
    }

    const runnable = (entry: QueuedEntry, slot: Slot) => slot.free > 0 && !excluded(entry, slot.instance);
    const refresh = (group: Group) => {
      const { entries } = group.bucket;
      group.stale = false;
      for (; group.cursor < entries.length; group.cursor += 1) {
        const entry = entries[group.cursor];
        if (group.serving.some((slot) => runnable(entry, slot))) {
          group.head = entry;
          return;
        }
      }
      group.head = undefined;
    };

    const dispatches: Dispatch[] = [];
    while (free > 0) {
      const groupOf = new Map<QueuedEntry, Group>();
      for (const group of groups) {
        if (group.stale) refresh(group);
        if (group.head) groupOf.set(group.head, group);
      }
      if (groupOf.size === 0) break; // free slots remain, but nothing queued can use them
      const chosen = this.strategy.next([...groupOf.keys()], this.view);
      const group = groupOf.get(chosen);
      if (!group) throw new Error(`scheduling strategy "${this.strategy.name}" picked a task that was not a candidate`);
      const slot = pickSlot(chosen.target, group.serving.filter((s) => runnable(chosen, s)));
      if (!slot) throw new Error(`no instance left for candidate ${chosen.taskId}`); // unreachable: stale heads are refreshed
      const instanceId = slot.instance.instanceId;
      this.startFlight(chosen, instanceId);
      bump(this.dispatchedByTenant, chosen.tenant, 1);
      dispatches.push({ task: toTask(chosen), instance: slot.instance });
      group.cursor += 1;
      group.stale = true;
      // slotsFor gave a half-open instance a single slot: this task is its probe.
      if (slot.state === 'half-open') this.probes.set(instanceId, chosen.taskId);
      slot.free -= 1;
      free -= 1;
      if (slot.free === 0) for (const g of groupsByInstance.get(instanceId) ?? []) g.stale = true;
    }
    this.queue.deleteAll(dispatches.map((d) => d.task.taskId));
    return dispatches;
  }

  /**
   * Another scheduler takes the workflow over (its orchestrator partition moved): its queued and in-flight tasks
   * leave without a trace, slots freed and breakers untouched, and may be enqueued or restored here again later.
   */
  handOver(workflowId: string): void {
    for (const taskId of this.byWorkflow.get(workflowId) ?? []) {
      const flight = this.flights.get(taskId);
      if (flight) this.endFlight(flight);
      else this.queue.deleteAll([taskId]);
    }
    this.byWorkflow.delete(workflowId);
  }

  /** Rebuilding after an orchestrator restart: the task is running on that instance and holds a slot. */
  restoreInFlight(task: QueuedTask, instanceId: string): void {
    if (this.done.has(task.taskId)) return;
    const existing = this.flights.get(task.taskId);
    if (existing?.instanceId === instanceId) return;
    if (existing) this.endFlight(existing);
    const entry = existing?.entry ?? this.queue.delete(task.taskId) ?? { ...task, seq: this.nextSeq++ };
    this.track(entry);
    this.startFlight(entry, instanceId, existing?.cancelled ?? false);
  }

  /**
   * The task reported: frees its slot and feeds the breaker of the instance that ran it. Returns
   * every breaker transition not reported yet, in order (including open → half-open by time).
   */
  finished(taskId: string, outcome: TaskOutcome, now: number): BreakerTransition[] {
    this.advance(now);
    const flight = this.flights.get(taskId);
    if (!flight) {
      // A late result for a task requeued after its instance vanished: it is done all the same.
      this.retire([taskId]);
      return this.drain();
    }
    const wasProbe = this.endFlight(flight);
    this.untrack(flight.entry);
    this.done.set(taskId, true);
    const breaker = this.breakerFor(flight.instanceId);
    // In half-open only the probe speaks: work sent before the circuit opened says nothing about recovery.
    if (breaker.state !== 'half-open' || wasProbe) {
      const transition = breaker.record(outcome, now);
      if (transition) this.pending.push(transition);
    }
    return this.drain();
  }

  /** Its instance went down: back to the queue in its old place (same seq), slot freed, breaker untouched. */
  requeue(taskId: string): void {
    const flight = this.flights.get(taskId);
    if (!flight) return;
    this.endFlight(flight);
    if (flight.cancelled) {
      this.untrack(flight.entry);
      this.done.set(taskId, true);
    } else this.queue.add(flight.entry);
  }

  /** Ids of the tasks in flight on an instance, in dispatch order. */
  inFlightOn(instanceId: string): string[] {
    return [...(this.flightsByInstance.get(instanceId) ?? [])];
  }

  /** Why each queued task waits, in enqueue order; for progress output. Pass plan's `excluded` to explain vetoes. */
  waiting(instances: readonly AgentDescriptor[], now: number, options: PlanOptions = {}): WaitingTask[] {
    this.advance(now);
    const slots = [...this.slotsFor(instances).values()];
    const statusByTarget = new Map<string, TargetStatus>();
    const waiting: Array<{ entry: QueuedEntry; reason: string }> = [];
    for (const bucket of this.queue.buckets()) {
      let status = statusByTarget.get(bucket.targetKey);
      if (!status) statusByTarget.set(bucket.targetKey, (status = targetStatus(bucket.target, slots)));
      for (const entry of bucket.entries) waiting.push({ entry, reason: status.reason ?? readyReason(entry, status.free, options.excluded) });
    }
    return waiting.sort((a, b) => a.entry.seq - b.entry.seq).map(({ entry, reason }) => ({ task: toTask(entry), reason }));
  }

  snapshot(instances: readonly AgentDescriptor[], now: number): SchedulerSnapshot {
    this.advance(now);
    const depth = new Map<string, number>();
    const tenants = new Map<string, { queued: number; inFlight: number }>();
    const tenant = (name: string) => {
      let counts = tenants.get(name);
      if (!counts) tenants.set(name, (counts = { queued: 0, inFlight: 0 }));
      return counts;
    };
    for (const bucket of this.queue.buckets()) {
      bump(depth, bucket.targetKey, bucket.entries.length);
      tenant(bucket.tenant).queued += bucket.entries.length;
    }
    for (const flight of this.flights.values()) tenant(flight.entry.tenant).inFlight += 1;
    const sorted = <T>(map: Map<string, T>) => Object.fromEntries([...map].sort(([a], [b]) => byString(a, b)));
    return {
      strategy: this.strategy.name,
      queued: this.queue.size,
      inFlight: this.flights.size,
      queueDepth: sorted(depth),
      byTenant: sorted(tenants),
      breakers: [...this.slotsFor(instances).values()]
        .map(({ instance, state }) => ({ instanceId: instance.instanceId, state, consecutiveFailures: this.breakers.get(instance.instanceId)?.consecutiveFailures ?? 0 }))
        .sort((a, b) => byString(a.instanceId, b.instanceId)),
    };
  }

  /** Applies time (open → half-open after the cooldown) and returns every transition not reported yet. */
  breakerTransitions(now: number): BreakerTransition[] {
    this.advance(now);
    return this.drain();
  }

  private advance(now: number): void {
    for (const breaker of this.breakers.values()) {
      const transition = breaker.tick(now);
      if (transition) this.pending.push(transition);
    }
  }

  private drain(): BreakerTransition[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  private breakerFor(instanceId: string): CircuitBreaker {
    let breaker = this.breakers.get(instanceId);
    if (!breaker) {
      breaker = new CircuitBreaker(instanceId, this.breakerOptions);
      this.breakers.set(instanceId, breaker);
    }
    return breaker;
  }

  /** The live instances now, one per instanceId (a registry listing it twice must not double its slots). */
  private slotsFor(instances: readonly AgentDescriptor[]): Map<string, Slot> {
    const slots = new Map<string, Slot>();
    for (const instance of instances) {
      if (slots.has(instance.instanceId)) continue;
      const state = this.breakers.get(instance.instanceId)?.state ?? 'closed';
      const busy = this.flightsByInstance.get(instance.instanceId)?.size ?? 0;
      let free = Math.max(0, instance.concurrency - busy);
      if (state === 'open') free = 0;
      else if (state === 'half-open') free = this.probes.has(instance.instanceId) ? 0 : Math.min(free, 1);
      slots.set(instance.instanceId, { instance, busy, free, state });
    }
    return slots;
  }

  private startFlight(entry: QueuedEntry, instanceId: string, cancelled = false): void {
    this.flights.set(entry.taskId, { entry, instanceId, cancelled });
    const onInstance = this.flightsByInstance.get(instanceId);
    if (onInstance) onInstance.add(entry.taskId);
    else this.flightsByInstance.set(instanceId, new Set([entry.taskId]));
    bump(this.inFlightByTenant, entry.tenant, 1);
  }

  /** Frees the slot; true if the task was its instance's probe. */
  private endFlight(flight: Flight): boolean {
    const { taskId, tenant } = flight.entry;
    this.flights.delete(taskId);
    const onInstance = this.flightsByInstance.get(flight.instanceId);
    onInstance?.delete(taskId);
    if (onInstance?.size === 0) this.flightsByInstance.delete(flight.instanceId);
    bump(this.inFlightByTenant, tenant, -1);
    const wasProbe = this.probes.get(flight.instanceId) === taskId;
    if (wasProbe) this.probes.delete(flight.instanceId);
    return wasProbe;
  }

  /** Queued or unknown tasks become done: dropped from the queue, and a later enqueue of the id is refused. */
  private retire(taskIds: readonly string[]): void {
    const queued = taskIds.flatMap((taskId) => this.queue.get(taskId) ?? []);
    this.queue.deleteAll(queued.map((entry) => entry.taskId));
    for (const entry of queued) this.untrack(entry);
    for (const taskId of taskIds) this.done.set(taskId, true);
  }

  private track(entry: QueuedEntry): void {
    const ids = this.byWorkflow.get(entry.workflowId);
    if (ids) ids.add(entry.taskId);
    else this.byWorkflow.set(entry.workflowId, new Set([entry.taskId]));
  }

  private untrack(entry: QueuedEntry): void {
    const ids = this.byWorkflow.get(entry.workflowId);
    ids?.delete(entry.taskId);
    if (ids?.size === 0) this.byWorkflow.delete(entry.workflowId);
  }
}
