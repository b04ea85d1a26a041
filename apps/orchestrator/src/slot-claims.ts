import type { AgentDescriptor } from '@agentos/contracts';
import { followKv, isCompareAndSetRace, updateKv, type NatsConnector } from '@agentos/messaging';
import type { KV } from 'nats';

const BUCKET = 'agentos_slots';

/** An instance's taken slots: task id → the run it belongs to (so that its run's owner can tell a stale one). */
type Taken = Record<string, string>;

/**
 * The agents' slots, shared by every orchestrator replica: each replica schedules its own runs' tasks on the same
 * agent instances, so before it assigns a task it claims a slot of the instance here (a compare-and-set on the
 * instance's key, which holds the tasks in flight on it), and gives the slot back when the task reports, expires or
 * leaves the instance. A replica plans on each instance's concurrency less the slots other replicas hold (a watch
 * keeps the view current), so an instance is never given more tasks than it runs at once, and priority and fair
 * share keep working within each replica's runs.
 */
export class SlotClaims {
  private readonly taken = new Map<string, Taken>();
  private follower?: { stop(): void };

  constructor(private readonly connector: NatsConnector) {}

  private kv(): Promise<KV> {
    return this.connector.kv(BUCKET);
  }

  async start(): Promise<void> {
    this.follower = await followKv(await this.kv(), '>', (entry) => {
      if (entry.operation === 'PUT') this.taken.set(entry.key, entry.json<Taken>());
      else this.taken.delete(entry.key);
    });
  }

  stop(): void {
    this.follower?.stop();
  }

  /** The instances as this replica may plan on them: each one's concurrency less the slots the others hold. */
  capacityFor(instances: readonly AgentDescriptor[], mine: (instanceId: string) => readonly string[]): AgentDescriptor[] {
    return instances.map((instance) => {
      const own = new Set(mine(instance.instanceId));
      const others = Object.keys(this.taken.get(instance.instanceId) ?? {}).filter((taskId) => !own.has(taskId)).length;
      return others === 0 ? instance : { ...instance, concurrency: Math.max(0, instance.concurrency - others) };
    });
  }

  /** Takes a slot of the instance for the task; false if another replica took the last one first. */
  async claim(instance: AgentDescriptor, taskId: string, runId: string): Promise<boolean> {
    const { after } = await updateKv<Taken>(await this.kv(), instance.instanceId, (current = {}) =>
      taskId in current || Object.keys(current).length < instance.concurrency ? { ...current, [taskId]: runId } : current,
    );
    this.taken.set(instance.instanceId, after); // planned on at once, before the watch brings it
    return taskId in after;
  }

  /** A task restored in flight holds its slot, whether or not the replica that assigned it claimed it. */
  async hold(instanceId: string, taskId: string, runId: string): Promise<void> {
    if (this.taken.get(instanceId)?.[taskId] === runId) return;
    const { after } = await updateKv<Taken>(await this.kv(), instanceId, (current = {}) => ({ ...current, [taskId]: runId }));
    this.taken.set(instanceId, after);
  }

  /** Gives the task's slot back (read from the bucket, not the view: a watch may lag a claim just made). */
  async release(instanceId: string, taskId: string): Promise<void> {
    const kv = await this.kv();
    for (;;) {
      const entry = await kv.get(instanceId);
      const current = entry?.operation === 'PUT' ? entry.json<Taken>() : {};
      if (!entry || !(taskId in current)) return;
      const { [taskId]: _released, ...rest } = current;
      try {
        await kv.update(instanceId, JSON.stringify(rest), entry.revision);
        this.taken.set(instanceId, rest);
        return;
      } catch (error) {
        if (!isCompareAndSetRace(error)) throw error;
      }
    }
  }

  /** Slots held for runs `stale` says are not in flight there (claimed by a replica that died before it assigned). */
  async releaseStale(stale: (instanceId: string, taskId: string, runId: string) => boolean): Promise<number> {
    let released = 0;
    for (const [instanceId, taken] of [...this.taken]) {
      for (const [taskId, runId] of Object.entries(taken)) {
        if (!stale(instanceId, taskId, runId)) continue;
        await this.release(instanceId, taskId);
        released += 1;
      }
    }
    return released;
  }

  /** The instance is gone: every slot it had goes with it. */
  async forgetInstance(instanceId: string): Promise<void> {
    await (await this.kv()).delete(instanceId).catch(() => undefined);
  }
}
