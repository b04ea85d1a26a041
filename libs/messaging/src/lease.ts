import type { KV } from 'nats';
import { setTimeout as sleep } from 'node:timers/promises';
import { isCompareAndSetRace } from './kv-update';
import { silentLog, type Log } from './log';
import { Silence } from './silence';
import { MissingStreamError } from './stream-check';

export interface LeaseOptions {
  /** The key in the leases bucket, e.g. the service's name: one holder per key. */
  key: string;
  /**
   * Who holds it: unique among the replicas. A process started again under the holder name of the one that held
   * the lease (a restarted replica with a stable name) takes it back at once instead of waiting out its silence.
   */
  holder: string;
  /** A holder silent this long is taken for dead; it renews three times as often. */
  ttlMs: number;
  log?: Log;
}

/** What the holder writes: its name and when it last renewed (informative only; liveness is the revision moving). */
interface LeaseRecord {
  holder: string;
  renewedAt: string;
}


/**
 * One active holder at a time of a key in a JetStream KV bucket, taken over when the holder falls silent.
 * Liveness is judged without comparing clocks: the holder rewrites the key every ttl/3 (a compare-and-set on the
 * revision it wrote), and a waiting process takes the key over (a compare-and-set on the revision it saw) only
 * after seeing that revision unchanged for a whole ttl on its own clock. A holder that finds its revision moved
 * (it was frozen or cut off and another took over) has lost the lease for good: `lost` resolves, and it must
 * step back. A renewal that fails for any other reason (NATS away) is tried again: nobody can take the key over
 * while NATS is away either, and what a stale holder writes meanwhile is fenced by the expected revisions of the
 * streams it writes to.
 */
export class Lease {
  private revision = 0;
  private renewing?: NodeJS.Timeout;
  private readonly stopped = new AbortController();
  private resolveLost!: (reason: string) => void;
  /** Resolves, with why, once another process holds the lease. */
  readonly lost = new Promise<string>((resolve) => (this.resolveLost = resolve));
  private readonly log: Log;

  constructor(private readonly bucket: () => Promise<KV>, private readonly options: LeaseOptions) {
    this.log = options.log ?? silentLog;
  }

  private record(): string {
    return JSON.stringify({ holder: this.options.holder, renewedAt: new Date().toISOString() } satisfies LeaseRecord);
  }

  /** Waits until this process holds the lease (or `stop()`), then keeps renewing it. */
  async acquire(): Promise<void> {
    const { key, ttlMs } = this.options;
    const silence = new Silence<string>();
    while (!this.stopped.signal.aborted) {
      try {
        const kv = await this.bucket();
        const entry = await kv.get(key);
        if (!entry || entry.operation !== 'PUT') {
          this.revision = await kv.create(key, this.record());
          break;
        }
        const record = entry.json() as LeaseRecord;
        if (record.holder === this.options.holder) {
          // This replica, restarted (a stable AGENTOS_INSTANCE_ID): its earlier self is gone, nothing to wait for.
          this.revision = await kv.update(key, this.record(), entry.revision);
          break;
        }
        const silentFor = silence.of(key, entry.revision, performance.now());
        if (silentFor === 0) this.log.info({ lease: key, holder: record.holder }, 'lease held by another process; standing by');
        else if (silentFor >= ttlMs) {
          this.revision = await kv.update(key, this.record(), entry.revision);
          this.log.warn({ lease: key, silent: record.holder }, 'lease holder fell silent; taking over');
          break;
        }
      } catch (error) {
        // No leases bucket: bootstrap has not run, which waiting does not cure (the service refuses to start, naming it).
        if (error instanceof MissingStreamError) throw error;
        if (!isCompareAndSetRace(error)) this.log.warn({ lease: key, err: (error as Error).message }, 'lease not reachable; trying again');
      }
      await sleep(ttlMs / 3, undefined, { signal: this.stopped.signal }).catch(() => undefined);
    }
    if (this.stopped.signal.aborted) return;
    this.log.info({ lease: key, holder: this.options.holder }, 'lease acquired');
    this.renewing = setInterval(() => void this.renew(), ttlMs / 3);
  }

  private async renew(): Promise<void> {
    try {
      this.revision = await (await this.bucket()).update(this.options.key, this.record(), this.revision);
    } catch (error) {
      if (!isCompareAndSetRace(error)) return this.log.warn({ lease: this.options.key, err: (error as Error).message }, 'lease not renewed; trying again');
      clearInterval(this.renewing);
      this.resolveLost(`another process took the lease ${this.options.key} over`);
    }
  }

  /** Stops renewing (or waiting) and hands the lease on at once, so a waiting process need not wait out the ttl. */
  async release(): Promise<void> {
    this.stopped.abort();
    clearInterval(this.renewing);
    if (this.revision === 0) return;
    await (await this.bucket()).delete(this.options.key, { previousSeq: this.revision }).catch(() => undefined);
  }
}
