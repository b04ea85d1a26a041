import { CATALOG, subjectFilter, type MessageType, type StreamName } from '@agentos/contracts';
import type { NatsConnector } from '@agentos/messaging';
import { DeliverPolicy } from 'nats';

/** The messages of the memory service on the bus (they carry memory values and notes); the rest are about runs. */
const MEMORY_TYPES: readonly MessageType[] = ['MemoryWritten', 'MemoryDeleted', 'NoteAppended'];

/** The stream-backed message types of one kind of data (`memory`, `runs`), or of every kind. */
export function busTypesOf(kind: 'memory' | 'runs' | 'all'): MessageType[] {
  return (Object.keys(CATALOG) as MessageType[]).filter((type) => CATALOG[type].kind !== 'query' && (kind === 'all' || MEMORY_TYPES.includes(type) === (kind === 'memory')));
}

/** The sequence of a stream's first message stored at or after `time` (one past its last when there is none). */
async function firstSeqAt(connector: NatsConnector, stream: StreamName, time: number): Promise<number> {
  const js = await connector.jetstream();
  const consumer = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(time).toISOString() });
  try {
    const first = await consumer.next({ expires: 1_000 });
    return first ? first.seq : (await (await connector.manager$()).streams.info(stream)).state.last_seq + 1;
  } finally {
    await consumer.delete().catch(() => undefined);
  }
}

/**
 * Deletes a tenant's messages of these types from the bus streams (published in clear, they hold its data), all of
 * them or those stored before `before`; how many. As the NATS admin: only it may purge a stream.
 */
export async function purgeTenantMessages(connector: NatsConnector, tenant: string, types: readonly MessageType[], before?: number): Promise<number> {
  const jsm = await connector.manager$();
  const cuts = new Map<StreamName, number | undefined>();
  let purged = 0;
  for (const type of types) {
    const spec = CATALOG[type];
    if (spec.kind === 'query') continue;
    if (!cuts.has(spec.stream)) cuts.set(spec.stream, before === undefined ? undefined : await firstSeqAt(connector, spec.stream, before));
    const seq = cuts.get(spec.stream);
    const filter = subjectFilter(type, {}, { tenant });
    purged += (await jsm.streams.purge(spec.stream, seq === undefined ? { filter } : { filter, seq })).purged;
  }
  return purged;
}
