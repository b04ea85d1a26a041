import type { KV, KvEntry } from 'nats';
import { isCompareAndSetRace, listKeys } from './kv-update';
import { silentLog, type Log } from './log';
import { Silence } from './silence';

export interface PartitionLeasesOptions {
  /** The keys are `<service>.p<n>` in the leases bucket, and each replica's `<service>.members.<holder>`. */
  service: string;
  /** This replica's name: unique among the replicas, stable across its restarts where the platform allows. */
  holder: string;
  partitions: number;
  /** A holder silent this long is taken for dead; holders renew three times as often. */
  ttlMs: number;
  /** A partition became this replica's: load what it needs. It counts as owned (`owns`) once this resolves. */
  gained: (partition: number) => Promise<void>;
  /** A partition is no longer this replica's (taken over, or handed on to balance the load): forget what was kept of it. */
  lost: (partition: number, reason: string) => Promise<void>;
  log?: Log;
}

/** What a holder writes: its name (liveness is the revision moving, judged on the reader's own clock: Silence). */
interface LeaseRecord {
  holder: string;
  renewedAt: string;
}

/**
 * A fixed set of partitions, each held by exactly one live replica at a time through a lease in a JetStream KV
 * bucket, spread evenly over the replicas. Every ttl/3 each replica renews what it holds (a compare-and-set on the
 * revision it wrote: one that moved means another took the partition over, which is then lost at once), hands on
 * what it holds beyond its fair share (partitions / replicas, the first by name one more while some are left over, so that a replica that joins gets work), and takes
 * partitions that are free while it is under its share, and any partition whose holder has been silent for a whole
 * ttl, whatever its share: a partition is never left without an owner for the sake of balance.
 */
export class PartitionLeases {
  /** Partitions whose lease this replica holds, with the revision it last wrote. */
  private readonly held = new Map<number, number>();
  /** Held and loaded: the ones it owns. */
  private readonly ready = new Set<number>();
  /** A partition's loading, and its forgetting once lost: each waits for the one before, and none holds up a pass. */
  private readonly changing = new Map<number, Promise<void>>();
  /** Of each partition not held, and of each replica's membership key. */
  private readonly partitionSilence = new Silence<number>();
  private readonly memberSilence = new Silence<string>();
  private timer?: NodeJS.Timeout;
  private passing?: Promise<void>;
  private stopped = false;
  /** Only a replica just started takes its own leases back at once: later, one it holds under its name is being handed on. */
  private restarted = true;
  private members = 1;
  private readonly log: Log;

  constructor(private readonly bucket: () => Promise<KV>, private readonly options: PartitionLeasesOptions) {
    this.log = options.log ?? silentLog;
  }

  owns(partition: number): boolean {
    return this.ready.has(partition);
  }

  /** Resolves once a partition this replica has just taken is loaded (at once for any other). */
  async loaded(partition: number): Promise<void> {
    await this.changing.get(partition);
  }

  /** How many replicas share the partitions, this one included, as of the last pass. */
  get replicas(): number {
    return this.members;
  }

  /** The partitions this replica owns, in order. */
  get owned(): number[] {
    return [...this.ready].sort((a, b) => a - b);
  }

  /**
   * Takes its first share now (free partitions are taken at once), then keeps the leases every ttl/3. Refuses to
   * start with a partition count other than the one the first replica recorded: the replicas would disagree on
   * which partition a run belongs to.
   */
  async start(): Promise<void> {
    await this.agreeOnCount(await this.bucket());
    await this.pass();
    this.timer = setInterval(() => {
      if (!this.passing) this.passing = this.pass().finally(() => (this.passing = undefined));
    }, this.options.ttlMs / 3);
    this.timer.unref();
  }

  /** Hands every partition on at once (a waiting replica need not wait out the ttl). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.passing;
    const kv = await this.bucket().catch(() => undefined);
    for (const [partition, revision] of [...this.held]) this.drop(partition, 'stopping', () => kv?.delete(this.key(partition), { previousSeq: revision }));
    await Promise.all(this.changing.values());
    await kv?.delete(this.member(this.options.holder)).catch(() => undefined);
  }

  private member(holder: string): string {
    return `${this.options.service}.members.${holder.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  }

  /**
   * This replica's fair share: every replica gets ⌊partitions / replicas⌋, and the first (by name) of them one more
   * until none is left over, so that three replicas of 16 partitions hold 6, 5 and 5.
   */
  private shareAmong(members: string[]): number {
    const rank = members.indexOf(this.member(this.options.holder));
    const { partitions } = this.options;
    return Math.floor(partitions / members.length) + (rank < partitions % members.length ? 1 : 0);
  }

  /**
   * The replicas sharing the partitions (their membership keys, in order), this one included: each rewrites its key
   * every pass, and one whose key has not moved for a ttl is gone (its key is removed once silent for three).
   */
  private async liveReplicas(kv: KV): Promise<string[]> {
    const mine = this.member(this.options.holder);
    await kv.put(mine, this.record());
    const live = [mine];
    const now = performance.now();
    for (const key of await listKeys(kv, `${this.options.service}.members.*`)) {
      const entry = key === mine ? null : await kv.get(key);
      if (entry?.operation !== 'PUT') continue;
      const silentFor = this.memberSilence.of(key, entry.revision, now);
      if (silentFor < this.options.ttlMs) live.push(key);
      else if (silentFor >= 3 * this.options.ttlMs) await kv.delete(key, { previousSeq: entry.revision }).catch(() => undefined);
    }
    return live.sort();
  }

  private async agreeOnCount(kv: KV): Promise<void> {
    const key = `${this.options.service}.partitions`;
    const count = String(this.options.partitions);
    await kv.create(key, count).catch((error: Error) => {
      if (!isCompareAndSetRace(error)) throw error;
    });
    const recorded = (await kv.get(key))?.string();
    if (recorded !== count) {
      throw new Error(`${this.options.service} runs ${recorded} partitions (key ${key} of the leases bucket), this replica ${count}: start it with the same count`);
    }
  }

  private key(partition: number): string {
    return `${this.options.service}.p${partition}`;
  }

  private record(): string {
    return JSON.stringify({ holder: this.options.holder, renewedAt: new Date().toISOString() } satisfies LeaseRecord);
  }

  private async pass(): Promise<void> {
    try {
      const kv = await this.bucket();
      await this.renew(kv);
      const members = await this.liveReplicas(kv);
      this.members = members.length;
      const share = this.shareAmong(members);
      this.handOnBeyond(share, kv);
      await this.takeUpTo(share, kv);
      this.restarted = false;
    } catch (error) {
      // NATS away: nobody can take a partition over meanwhile either, and stale writes are fenced by the streams' revisions.
      // Silence is measured afresh once it is back: the others could not renew meanwhile either.
      this.partitionSilence.clear();
      this.memberSilence.clear();
      this.log.warn({ err: (error as Error).message, service: this.options.service }, 'partition leases not kept this pass; trying again');
    }
  }

  private async renew(kv: KV): Promise<void> {
    for (const [partition, revision] of [...this.held]) {
      try {
        this.held.set(partition, await kv.update(this.key(partition), this.record(), revision));
      } catch (error) {
        if (!isCompareAndSetRace(error)) throw error;
        this.drop(partition, 'another replica took it over');
      }
    }
  }

  /** Owned partitions beyond the share go, highest first (the lease once what was kept of it is forgotten); one still loading is left for a later pass. */
  private handOnBeyond(share: number, kv: KV): void {
    const surplus = this.owned.reverse().slice(0, Math.max(0, this.held.size - share));
    for (const partition of surplus) {
      const revision = this.held.get(partition)!;
      this.drop(partition, 'handed on to balance the replicas', () => kv.delete(this.key(partition), { previousSeq: revision }));
    }
  }

  private async takeUpTo(share: number, kv: KV): Promise<void> {
    for (let partition = 0; partition < this.options.partitions && !this.stopped; partition += 1) {
      if (this.held.has(partition)) continue;
      const entry = await kv.get(this.key(partition));
      const silent = this.partitionSilence.of(partition, entry?.revision ?? 0, performance.now()) >= this.options.ttlMs;
      const free = entry?.operation !== 'PUT';
      // This replica before a restart (a stable name): its earlier self is gone, nothing to wait for.
      const mine = this.restarted && !free && (entry!.json() as LeaseRecord).holder === this.options.holder;
      if (mine || silent || (free && this.held.size < share)) await this.take(partition, entry, kv);
    }
  }

  private async take(partition: number, entry: KvEntry | null, kv: KV): Promise<void> {
    try {
      const revision = entry?.operation === 'PUT' ? await kv.update(this.key(partition), this.record(), entry.revision) : await kv.create(this.key(partition), this.record());
      this.held.set(partition, revision);
    } catch (error) {
      if (isCompareAndSetRace(error)) return; // another replica was quicker
      throw error;
    }
    this.log.info({ service: this.options.service, partition, holder: this.options.holder }, 'partition taken');
    this.change(partition, async () => {
      try {
        await this.options.gained(partition);
        if (this.held.has(partition)) this.ready.add(partition);
      } catch (error) {
        this.log.error({ err: error, partition }, 'partition not loaded; handing it on');
        // Forgotten after this step (the next in the partition's chain), then the lease goes, at the revision it was
        // renewed to; nothing to do if it was lost meanwhile.
        const held = this.held.get(partition);
        if (held !== undefined) this.drop(partition, 'not loaded', () => kv.delete(this.key(partition), { previousSeq: held }));
      }
    });
  }

  /** Runs a partition's change after the ones before it (loading before forgetting, forgetting before loading again). */
  private change(partition: number, step: () => Promise<void>): void {
    const next = (this.changing.get(partition) ?? Promise.resolve()).then(step, step);
    this.changing.set(partition, next);
    void next.finally(() => this.changing.get(partition) === next && this.changing.delete(partition));
  }

  /**
   * The partition is no longer this replica's, at once (owns() is false from here on); what was kept of it is
   * forgotten once it is loaded, then `after` (handing the lease on) runs. Nothing here waits: renewals go on.
   */
  private drop(partition: number, reason: string, after?: () => Promise<unknown> | undefined): void {
    this.held.delete(partition);
    this.ready.delete(partition);
    this.partitionSilence.forget(partition);
    this.change(partition, async () => {
      this.log.warn({ service: this.options.service, partition, reason }, 'partition lost');
      await this.options.lost(partition, reason);
      await after?.()?.catch(() => undefined);
    });
  }
}
