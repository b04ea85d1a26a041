import { REPLICA_RENEW_MS, ReplicaEntry, STREAMS, type StreamName } from '@agentos/contracts';
import { SERVICE_NAMES } from '@agentos/identity';
import { listKeys, readValues, viewOwner } from '@agentos/messaging';
import type { KV } from 'nats';
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
      // Ordered readers (replay, watches) come and go; the durable work consumers are what lags, and the services'
      // views (`<service>-view-…`, FactView): a view that lags shows old counts.
      if (!info.config.durable_name && !viewOwner(info.name)) continue;
      rows.push({ stream, consumer: info.name, owner: ownerOf(info.name), pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered });
    }
  }
  return rows.sort((a, b) => a.owner.localeCompare(b.owner) || a.consumer.localeCompare(b.consumer));
}

interface PartitionRow {
  service: string;
  partition: number;
  holder: string;
  renewedAt: string;
}

/** Who holds each partition of a partitioned service (the orchestrator's runs): keys `<service>.p<n>` of agentos_leases. */
async function partitionRows(leases: KV): Promise<PartitionRow[]> {
  const rows: PartitionRow[] = [];
  for (const key of await listKeys(leases)) {
    const match = /^(.+)\.p(\d+)$/.exec(key);
    const entry = match ? await leases.get(key) : null;
    if (!match || entry?.operation !== 'PUT') continue;
    const { holder, renewedAt } = entry.json<{ holder: string; renewedAt: string }>();
    rows.push({ service: match[1], partition: Number(match[2]), holder, renewedAt });
  }
  return rows.sort((a, b) => a.service.localeCompare(b.service) || a.partition - b.partition);
}

/** `0-3,7` for [0, 1, 2, 3, 7]. */
const ranges = (numbers: number[]) =>
  numbers
    .reduce<number[][]>((runs, n) => (runs.length > 0 && runs.at(-1)!.at(-1) === n - 1 ? (runs.at(-1)!.push(n), runs) : [...runs, [n]]), [])
    .map((run) => (run.length === 1 ? `${run[0]}` : `${run[0]}-${run.at(-1)}`))
    .join(',');

const ago = (ms: number) => (ms < 1_000 ? 'now' : `${Math.round(ms / 1_000)} s ago`);

/**
 * The replicas of every service (from agentos_replicas), the partitions each orchestrator replica owns (the runs it
 * decides), and each durable consumer's lag.
 */
export async function clusterShow(session: Session, out: Output): Promise<number> {
  const now = Date.now();
  const replicas: ReplicaRow[] = (await readValues(await session.connector.kv('agentos_replicas'), (value) => ReplicaEntry.parse(value)))
    .map((replica) => ({ ...replica, silentForMs: Math.max(0, now - Date.parse(replica.renewedAt)) }))
    .sort((a, b) => a.service.localeCompare(b.service) || a.instance.localeCompare(b.instance));
  const partitions = await partitionRows(await session.connector.kv('agentos_leases'));
  const consumers = await consumerRows(session);
  const owned = (r: ReplicaEntry) => partitions.filter((p) => p.service === r.service && p.holder === r.instance).map((p) => p.partition);
  out.data({ replicas: replicas.map((r) => ({ ...r, ...(partitions.some((p) => p.service === r.service) ? { partitions: owned(r) } : {}) })), partitions, consumers });

  out.line(replicas.length === 0 ? 'no replicas have reported (services older than this CLI, or none running)' : 'replicas');
  for (const r of replicas) {
    const silent = r.silentForMs > SILENT_AFTER_MS ? `  SILENT, last seen ${ago(r.silentForMs)}` : '';
    const mine = owned(r);
    const share = mine.length > 0 ? `  partitions ${ranges(mine)} (${mine.length} of ${partitions.filter((p) => p.service === r.service).length})` : '';
    out.line(`  ${r.service.padEnd(14)} ${r.instance.padEnd(28)} ${r.state.padEnd(12)} ${r.host} pid ${r.pid}, up since ${r.startedAt}, NATS ${r.nats}${share}${silent}`);
  }
  const orphans = partitions.filter((p) => !replicas.some((r) => r.service === p.service && r.instance === p.holder));
  if (orphans.length > 0) out.line(`partitions held by no running replica (taken over once silent for AGENTOS_LEASE_MS): ${orphans.map((p) => `${p.service} ${p.partition} (${p.holder})`).join(', ')}`);
  out.line('consumers (pending: not yet handed out, its lag; unacked: handed out, in work)');
  for (const c of consumers) out.line(`  ${c.owner.padEnd(22)} ${c.consumer.padEnd(48)} pending ${String(c.pending).padStart(6)}  unacked ${String(c.ackPending).padStart(5)}  redelivered ${c.redelivered}`);
  return 0;
}
