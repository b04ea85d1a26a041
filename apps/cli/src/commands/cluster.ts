import { REPLICA_RENEW_MS, ReplicaEntry, STREAMS, type StreamName } from '@agentos/contracts';
import { SERVICE_NAMES } from '@agentos/identity';
import { readValues } from '@agentos/messaging';
import type { Output } from '../output';
import type { Session } from '../session';

/** An entry not rewritten for this long belongs to a replica that is gone or cut off (the bucket's TTL removes it later). */
const SILENT_AFTER_MS = 3 * REPLICA_RENEW_MS;

interface ReplicaRow extends ReplicaEntry {
  silentForMs: number;
}

interface ConsumerRow {
  stream: StreamName;
  consumer: string;
  /** The service or agent whose consumer it is (its name's prefix, see libs/messaging MessageWorker). */
  owner: string;
  /** Messages in the stream it has not been handed yet: its lag. */
  pending: number;
  /** Handed out, not acknowledged yet. */
  ackPending: number;
  redelivered: number;
}

const ownerOf = (consumer: string) => SERVICE_NAMES.find((service) => consumer.startsWith(`${service}-`)) ?? (/^agent-[^-]+/.exec(consumer)?.[0] ?? consumer);

async function consumerRows(session: Session): Promise<ConsumerRow[]> {
  const jsm = await session.connector.manager$();
  const rows: ConsumerRow[] = [];
  for (const stream of Object.keys(STREAMS) as StreamName[]) {
    for (const info of await jsm.consumers.list(stream).next()) {
      // Ordered readers (replay, watches) come and go; the durable work consumers are what lags.
      if (!info.config.durable_name) continue;
      rows.push({ stream, consumer: info.name, owner: ownerOf(info.name), pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered });
    }
  }
  return rows.sort((a, b) => a.owner.localeCompare(b.owner) || a.consumer.localeCompare(b.consumer));
}

const ago = (ms: number) => (ms < 1_000 ? 'now' : `${Math.round(ms / 1_000)} s ago`);

/**
 * The replicas of every service (from agentos_replicas), who holds each one-active service's lease (there is one
 * partition: the lease holder schedules every run), and each durable consumer's lag.
 */
export async function clusterShow(session: Session, out: Output): Promise<number> {
  const now = Date.now();
  const replicas: ReplicaRow[] = (await readValues(await session.connector.kv('agentos_replicas'), (value) => ReplicaEntry.parse(value)))
    .map((replica) => ({ ...replica, silentForMs: Math.max(0, now - Date.parse(replica.renewedAt)) }))
    .sort((a, b) => a.service.localeCompare(b.service) || a.instance.localeCompare(b.instance));
  const leases = await readValues(await session.connector.kv('agentos_leases'), (value) => value as { holder: string; renewedAt: string });
  const consumers = await consumerRows(session);
  out.data({ replicas, leases, consumers });

  out.line(replicas.length === 0 ? 'no replicas have reported (services older than this CLI, or none running)' : 'replicas');
  for (const r of replicas) {
    const silent = r.silentForMs > SILENT_AFTER_MS ? `  SILENT, last seen ${ago(r.silentForMs)}` : '';
    const lease = r.leaseHolder ? '  holds the lease: schedules every run' : '';
    out.line(`  ${r.service.padEnd(14)} ${r.instance.padEnd(28)} ${r.state.padEnd(12)} ${r.host} pid ${r.pid}, up since ${r.startedAt}, NATS ${r.nats}${lease}${silent}`);
  }
  out.line('consumers (pending: not yet handed out, its lag; unacked: handed out, in work)');
  for (const c of consumers) out.line(`  ${c.owner.padEnd(22)} ${c.consumer.padEnd(48)} pending ${String(c.pending).padStart(6)}  unacked ${String(c.ackPending).padStart(5)}  redelivered ${c.redelivered}`);
  return 0;
}
