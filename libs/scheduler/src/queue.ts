import type { Priority, StepTarget } from '@agentos/contracts';
import { targetKey } from './matching';
import type { QueuedEntry } from './strategy';

/**
 * Queued tasks sharing target, tenant and priority, oldest (lowest seq) first. Every built-in
 * strategy prefers the lower seq among such tasks, so only a group's head can be picked next:
 * plan() looks at one head per group instead of every queued task.
 */
export interface Bucket {
  readonly key: string;
  readonly targetKey: string;
  readonly target: StepTarget;
  readonly tenant: string;
  readonly priority: Priority;
  /** Sorted by seq. */
  entries: QueuedEntry[];
}

/** The scheduler's queue: buckets plus an index by task id. */
export class TaskQueue {
  private readonly byId = new Map<string, { entry: QueuedEntry; bucket: Bucket }>();
  private readonly byKey = new Map<string, Bucket>();

  get size(): number {
    return this.byId.size;
  }

  has(taskId: string): boolean {
    return this.byId.has(taskId);
  }

  get(taskId: string): QueuedEntry | undefined {
    return this.byId.get(taskId)?.entry;
  }

  buckets(): IterableIterator<Bucket> {
    return this.byKey.values();
  }

  /** Every queued task in enqueue order: O(n log n), for reporting only. */
  ordered(): QueuedEntry[] {
    return [...this.byId.values()].map(({ entry }) => entry).sort((a, b) => a.seq - b.seq);
  }

  /** Adds in seq order: O(1) for new tasks (highest seq yet); a requeued task goes back to its place. */
  add(entry: QueuedEntry): void {
    const target = targetKey(entry.target);
    // JSON keeps arbitrary tenant strings from colliding with the separator.
    const key = JSON.stringify([target, entry.tenant, entry.priority]);
    let bucket = this.byKey.get(key);
    if (!bucket) {
      bucket = { key, targetKey: target, target: entry.target, tenant: entry.tenant, priority: entry.priority, entries: [] };
      this.byKey.set(key, bucket);
    }
    const { entries } = bucket;
    if (entries.length === 0 || entries[entries.length - 1].seq < entry.seq) entries.push(entry);
    else entries.splice(this.indexOf(entries, entry.seq), 0, entry);
    this.byId.set(entry.taskId, { entry, bucket });
  }

  /** Removes one task; O(log b + b) for a bucket of b tasks. */
  delete(taskId: string): QueuedEntry | undefined {
    const found = this.byId.get(taskId);
    if (!found) return undefined;
    const { entry, bucket } = found;
    bucket.entries.splice(this.indexOf(bucket.entries, entry.seq), 1);
    this.byId.delete(taskId);
    if (bucket.entries.length === 0) this.byKey.delete(bucket.key);
    return entry;
  }

  /** Removes many tasks with one pass per bucket touched, so removing k tasks never costs k splices. */
  deleteAll(taskIds: Iterable<string>): void {
    const gone = new Set<string>();
    const touched = new Set<Bucket>();
    for (const taskId of taskIds) {
      const found = this.byId.get(taskId);
      if (!found) continue;
      gone.add(taskId);
      touched.add(found.bucket);
      this.byId.delete(taskId);
    }
    for (const bucket of touched) {
      bucket.entries = bucket.entries.filter((entry) => !gone.has(entry.taskId));
      if (bucket.entries.length === 0) this.byKey.delete(bucket.key);
    }
  }

  /** First index whose seq is ≥ seq (binary search). */
  private indexOf(entries: readonly QueuedEntry[], seq: number): number {
    let [lo, hi] = [0, entries.length];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (entries[mid].seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
