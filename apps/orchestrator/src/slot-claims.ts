import type { AgentDescriptor } from '@agentos/contracts';
import { followKv, isCompareAndSetRace, type NatsConnector } from '@agentos/messaging';
import type { KV } from 'nats';

const BUCKET = 'agentos_slots';

/**
 * An instance's taken slots, by task id: the run (so that its run's owner can tell a stale one) and the replica that
 * holds the slot (only it gives the slot back: a replica that lost the run may still fail an assignment of it).
 */
type Taken = Record<string, { run: string; by: string }>;

/**
 * What a write of an instance's key does for one task: `claim` a free slot (up to the instance's concurrency), `hold`
 * it whatever the count (a task restored in flight, taken over from whoever held it), `release` this replica's slot,
 * or `release-any` (a stale slot, whoever holds it).
 */
type Action = { kind: 'claim'; runId: string; concurrency: number } | { kind: 'hold'; runId: string } | { kind: 'release' } | { kind: 'release-any' };
/** An action waiting for the instance's next write. */
type Change = { taskId: string; action: Action; done: (held: boolean) => void; failed: (error: unknown) => void };

/**
 * The agents' slots, shared by every orchestrator replica: each replica schedules its own runs' tasks on the same
 * agent instances, so before it assigns a task it claims a slot of the instance here (a compare-and-set on the
 * instance's key, which holds the tasks in flight on it), and gives the slot back when the task reports, expires or
 * leaves the instance. A replica plans on each instance's concurrency less the slots other replicas hold (a watch
 * keeps the view current), so an instance is never given more tasks than it runs at once, and priority and fair
 * share keep working within each replica's runs.
 *
 * The claims and releases of one instance made while its last write is under way go together in its next write
 * (one compare-and-set for a whole planning round), and a write expects the revision this replica last saw, so it
 * costs one round trip unless another replica wrote in between.
 */
export class SlotClaims {
  private readonly taken = new Map<string, { revision: number; tasks: Taken }>();
  private readonly waiting = new Map<string, Change[]>();
  private readonly writing = new Set<string>();
  private follower?: { stop(): void };

  /** `me`: this replica's name, recorded with each slot it holds. */
  constructor(private readonly connector: NatsConnector, private readonly me: string) {}

  private kv(): Promise<KV> {
    return this.connector.kv(BUCKET);
  }

  async start(): Promise<void> {
    this.follower = await followKv(await this.kv(), '>', (entry) => this.see(entry.key, { revision: entry.revision, tasks: entry.operation === 'PUT' ? entry.json<Taken>() : {} }));
  }

  /** Only ever forward: this replica's own write may be known before the watch brings the ones before it. */
  private see(instanceId: string, state: { revision: number; tasks: Taken }): void {
    if ((this.taken.get(instanceId)?.revision ?? -1) < state.revision) this.taken.set(instanceId, state);
  }

  stop(): void {
    this.follower?.stop();
  }

  /** The instances as this replica may plan on them: each one's concurrency less the slots the others hold. */
  capacityFor(instances: readonly AgentDescriptor[], mine: (instanceId: string) => readonly string[]): AgentDescriptor[] {
    return instances.map((instance) => {
      const own = new Set(mine(instance.instanceId));
      const others = Object.keys(this.taken.get(instance.instanceId)?.tasks ?? {}).filter((taskId) => !own.has(taskId)).length;
      return others === 0 ? instance : { ...instance, concurrency: Math.max(0, instance.concurrency - others) };
    });
  }

  /** Takes a slot of the instance for the task; false if the instance's slots are all taken (by another replica first). */
  claim(instance: AgentDescriptor, taskId: string, runId: string): Promise<boolean> {
    return this.change(instance.instanceId, taskId, { kind: 'claim', runId, concurrency: instance.concurrency });
  }

  /** A task restored in flight holds its slot, now as this replica's, whether or not the replica that assigned it claimed it. */
  async hold(instanceId: string, taskId: string, runId: string): Promise<void> {
    if (this.taken.get(instanceId)?.tasks[taskId]?.by === this.me) return;
    await this.change(instanceId, taskId, { kind: 'hold', runId });
  }

  /** Gives back this replica's slot for the task (another replica's, which took the run over, stays). */
  async release(instanceId: string, taskId: string): Promise<void> {
    await this.change(instanceId, taskId, { kind: 'release' });
  }

  /** Slots held for runs `stale` says are not in flight there (claimed by a replica that died before it assigned). */
  async releaseStale(stale: (instanceId: string, taskId: string, runId: string) => boolean): Promise<number> {
    const releases = [...this.taken].flatMap(([instanceId, { tasks }]) =>
      Object.entries(tasks)
        .filter(([taskId, { run }]) => stale(instanceId, taskId, run))
        .map(([taskId]) => this.change(instanceId, taskId, { kind: 'release-any' })),
    );
    await Promise.all(releases);
    return releases.length;
  }

  /** The instance is gone: every slot it had goes with it. */
  async forgetInstance(instanceId: string): Promise<void> {
    await (await this.kv()).delete(instanceId).catch(() => undefined);
  }

  private change(instanceId: string, taskId: string, action: Action): Promise<boolean> {
    return new Promise<boolean>((done, failed) => {
      const queue = this.waiting.get(instanceId);
      if (queue) queue.push({ taskId, action, done, failed });
      else this.waiting.set(instanceId, [{ taskId, action, done, failed }]);
      if (!this.writing.has(instanceId)) void this.write(instanceId);
    });
  }

  /** Writes the instance's waiting changes, one compare-and-set at a time, until none wait. */
  private async write(instanceId: string): Promise<void> {
    this.writing.add(instanceId);
    try {
      for (let changes = this.take(instanceId); changes.length > 0; changes = this.take(instanceId)) {
        try {
          const held = await this.apply(instanceId, changes);
          changes.forEach((change, i) => change.done(held[i]));
        } catch (error) {
          for (const change of changes) change.failed(error);
        }
      }
    } finally {
      this.writing.delete(instanceId);
    }
  }

  private take(instanceId: string): Change[] {
    const changes = this.waiting.get(instanceId) ?? [];
    this.waiting.delete(instanceId);
    return changes;
  }

  /** Applies the changes in order on the instance's slots; for each, whether the task holds a slot afterwards. */
  private async apply(instanceId: string, changes: Change[]): Promise<boolean[]> {
    const kv = await this.kv();
    const read = async () => {
      const entry = await kv.get(instanceId);
      return { revision: entry?.revision ?? 0, tasks: entry?.operation === 'PUT' ? entry.json<Taken>() : {} };
    };
    const seen = this.taken.get(instanceId);
    let known = seen ?? (await read());
    let fresh = !seen;
    for (let attempt = 1; ; attempt += 1) {
      const tasks = { ...known.tasks };
      const held = changes.map(({ taskId, action }) => {
        const holder = tasks[taskId]?.by;
        switch (action.kind) {
          case 'release':
          case 'release-any':
            if (action.kind === 'release-any' || holder === this.me) delete tasks[taskId];
            return false;
          case 'claim':
            // A slot another replica holds for the task is its (it took the run over).
            if (holder !== undefined && holder !== this.me) return false;
            if (holder === undefined && Object.keys(tasks).length >= action.concurrency) return false;
            break;
          case 'hold':
            break;
        }
        tasks[taskId] = { run: action.runId, by: this.me };
        return true;
      });
      if (JSON.stringify(tasks) === JSON.stringify(known.tasks)) {
        // Nothing to write (a repeated claim, a release of a slot not held) as the key stands; the view may lag it.
        if (fresh) {
          this.see(instanceId, known);
          return held;
        }
        [known, fresh] = [await read(), true];
        continue;
      }
      try {
        // A key never written has no revision to expect: it is created.
        const revision = known.revision === 0 ? await kv.create(instanceId, JSON.stringify(tasks)) : await kv.update(instanceId, JSON.stringify(tasks), known.revision);
        this.see(instanceId, { revision, tasks });
        return held;
      } catch (error) {
        // Each race lost is another replica's write made: tried again on what it wrote.
        if (!isCompareAndSetRace(error) || attempt >= 100) throw error;
        [known, fresh] = [await read(), true];
      }
    }
  }
}
