/**
 * `npm run bench:store`: append and read throughput of each event-store adapter, and the raw
 * JetStream publish rate measured in the same run on the same nats-server (the ceiling the
 * embedded adapter sits under). Sequential awaits throughout: one writer, as one handler appends.
 */
import { createMessage, newId, type Envelope } from '@agentos/contracts';
import { EventStoreDbEventStore, InMemoryEventStore, JetStreamEventStore, type EventStore } from '@agentos/event-store';
import { NatsConnector, ensureStream, bootstrapNats } from '@agentos/messaging';
import { startNatsServer } from '@agentos/testing';
import { startEsdbDouble } from '@agentos/testing/esdb-double';
import { performance } from 'node:perf_hooks';

const APPENDS = Number(process.env.BENCH_APPENDS ?? 2_000);
const READ_EVENTS = 10_000;

const event = (i: number): Envelope =>
  createMessage('IntentSubmitted', { intentId: newId(), goal: `benchmark event ${i}`, capability: 'echo', input: { i } }, { tenant: 'bench', actor: { kind: 'service', id: 'bench' } });

async function rate(label: string, count: number, work: () => Promise<void>): Promise<string> {
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  const line = `${label.padEnd(58)} ${Math.round(count / seconds).toLocaleString('en-US').padStart(9)} events/s  (${count} in ${seconds.toFixed(2)} s)`;
  console.log(line);
  return line;
}

/** `coldReader`: a store that has not seen the streams (as another process), so its read is a real one. */
async function benchAdapter(name: string, store: EventStore, coldReader: EventStore = store) {
  console.log(`\n${name}`);
  const single = Array.from({ length: APPENDS }, (_, i) => event(i));
  const stream = `bench-${newId()}`;
  await rate(`  append, 1 event per append, exact expected revision`, APPENDS, async () => {
    for (const [i, e] of single.entries()) await store.append(stream, [e], { expectedRevision: i === 0 ? 'no_stream' : i - 1 });
  });
  const big = `bench-${newId()}`;
  await rate(`  append, 100 events per append`, READ_EVENTS, async () => {
    for (let b = 0; b < READ_EVENTS / 100; b += 1) await store.append(big, Array.from({ length: 100 }, (_, i) => event(b * 100 + i)), { expectedRevision: b === 0 ? 'no_stream' : b * 100 - 1 });
  });
  for (const [label, reader] of [['forwards', coldReader], ['again by its writer', store]] as const) {
    await rate(`  readStream, ${READ_EVENTS.toLocaleString('en-US')}-event stream ${label}`, READ_EVENTS, async () => {
      const read = await reader.readStream(big);
      if (read.length !== READ_EVENTS) throw new Error(`read ${read.length} events, expected ${READ_EVENTS}`);
    });
  }
  await rate(`  readAll from the start`, APPENDS + READ_EVENTS, async () => {
    const all = await store.readAll();
    if (all.length < APPENDS + READ_EVENTS) throw new Error(`readAll returned ${all.length}`);
  });
}

async function main() {
  const nats = await startNatsServer();
  await bootstrapNats({ servers: nats.url, name: 'bench-bootstrap' });
  const connector = new NatsConnector({ servers: nats.url, name: 'bench' });
  try {
    console.log(`nats-server ${nats.url}; ${APPENDS} single appends, ${READ_EVENTS} events per read (BENCH_APPENDS to change)`);
    const jsm = await connector.manager$();
    await ensureStream(jsm, { name: 'BENCH_RAW', subjects: ['bench.raw.>'] });
    const js = await connector.jetstream();
    const payload = Buffer.from(JSON.stringify(event(0)));
    console.log('\nraw JetStream (same server, same payload size, one publisher awaiting each ack)');
    await rate('  js.publish with Nats-Msg-Id', APPENDS, async () => {
      for (let i = 0; i < APPENDS; i += 1) await js.publish(`bench.raw.${i % 10}`, payload, { msgID: newId() });
    });
    await benchAdapter('in-memory adapter', new InMemoryEventStore());
    await benchAdapter('JetStream adapter (embedded default)', new JetStreamEventStore(connector), new JetStreamEventStore(connector));
    if (process.env.ESDB_URL) {
      await benchAdapter(`EventStoreDB adapter (real server ${process.env.ESDB_URL})`, EventStoreDbEventStore.fromConnectionString(process.env.ESDB_URL));
    } else {
      // Not a database figure: the double keeps events in memory. It measures the adapter and the
      // official client's gRPC path; set ESDB_URL for a real server.
      const double = await startEsdbDouble({ maxAppendSize: 8 * 1024 * 1024 });
      const store = EventStoreDbEventStore.fromConnectionString(double.connectionString);
      await benchAdapter('EventStoreDB adapter against the in-process gRPC double (no ESDB_URL)', store);
      await store.close();
      await double.stop();
    }
  } finally {
    await connector.close();
    await nats.stop();
  }
}

main().catch((error: Error) => {
  console.error(`benchmark failed: ${error.message}`);
  process.exit(1);
});
