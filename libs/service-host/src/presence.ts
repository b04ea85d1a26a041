import { REPLICA_RENEW_MS, ReplicaEntry, replicaKey, type ReplicaState } from '@agentos/contracts';
import type { Log } from '@agentos/messaging';
import type { KV } from 'nats';
import { hostname } from 'node:os';
import type { Readiness, ReadinessState } from './readiness';

const stateOf = (readiness: ReadinessState): ReplicaState => {
  if (readiness.draining) return 'draining';
  return readiness.started ? 'active' : 'starting';
};

/**
 * A replica's entry in `agentos_replicas`, rewritten every REPLICA_RENEW_MS while the process lives (the bucket
 * forgets an entry not rewritten within its TTL, so a replica killed without a word drops out) and deleted on a
 * clean stop. Best effort: a write that fails (NATS away) is tried again at the next renewal and never stops the service.
 */
export class ReplicaPresence {
  private timer?: NodeJS.Timeout;
  private failing = false;
  private readonly key: string;
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly bucket: () => Promise<KV>,
    private readonly replica: { service: string; instance: string },
    private readonly readiness: Readiness,
    private readonly log: Log,
  ) {
    this.key = replicaKey(replica.service, replica.instance);
  }

  start(): void {
    void this.renew();
    this.timer = setInterval(() => void this.renew(), REPLICA_RENEW_MS);
    this.timer.unref();
  }

  /** Says at once what changed (took the lease, draining), rather than at the next renewal. */
  async renew(): Promise<void> {
    const readiness = this.readiness.state();
    const state = stateOf(readiness);
    const { service, instance } = this.replica;
    const entry: ReplicaEntry = {
      service,
      instance,
      host: hostname(),
      pid: process.pid,
      state,
      nats: readiness.nats,
      startedAt: this.startedAt,
      renewedAt: new Date().toISOString(),
    };
    try {
      await (await this.bucket()).put(this.key, JSON.stringify(entry));
      this.failing = false;
    } catch (error) {
      // Said once per outage, not at every renewal.
      if (!this.failing) this.log.warn({ err: error, key: this.key }, 'replica entry not written; the next renewal tries again');
      this.failing = true;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    try {
      await (await this.bucket()).delete(this.key);
    } catch {
      // NATS already gone: the entry runs out with the bucket's TTL.
    }
  }
}
