/**
 * `npm run bench:audit`: what signing and sealing cost. Per append on the embedded JetStream store (a real
 * nats-server, one writer, sequential awaits): unsigned, signed, signed with tenant data sealed. In process: one
 * Ed25519 signature, sealing one event's data, and verifying a stream's chain with and without its signatures.
 */
import { createMessage, newId, type Envelope } from '@agentos/contracts';
import { EventSigner, InMemoryEventStore, JetStreamEventStore, KeyRing, TenantDataCipher, TenantKeys, generateSigningKey, verifyChain, verifyStream, type RecordedEvent } from '@agentos/event-store';
import { NatsConnector, bootstrapNats } from '@agentos/messaging';
import { startNatsServer, type NatsServerHandle } from '@agentos/testing';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const APPENDS = Number(process.env.BENCH_APPENDS ?? 2_000);
const key = generateSigningKey();
const signer = EventSigner.fromSecret(key.secret);
const keys = new KeyRing([{ keyId: key.keyId, service: 'orchestrator', publicKey: key.publicKey, validFrom: '2020-01-01T00:00:00.000Z' }]);

/** A task's outcome as agents report it: output and one recorded tool call, all tenant data. */
const event = (i: number): Envelope =>
  createMessage(
    'TaskCompleted',
    { taskId: newId(), intentId: newId(), agent: 'bench', agentVersion: '1.0.0', instanceId: 'b1', output: { summary: `result ${i}`, words: i }, calls: [{ kind: 'tool', name: 'lookup', request: { term: `t${i}` }, response: { entries: i } }], durationMs: 3 },
    { tenant: 'acme', actor: { kind: 'agent', id: 'bench@1.0.0' } },
  );

async function timed(label: string, count: number, unit: string, work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  console.log(`${label.padEnd(62)} ${((ms * 1000) / count).toFixed(1).padStart(8)} µs/${unit}  ${Math.round((count / ms) * 1000).toLocaleString('en-US').padStart(9)} ${unit}s/s`);
  return ms;
}

async function main(nats: NatsServerHandle, connector: NatsConnector) {
  const tenantData = new TenantDataCipher(new TenantKeys(connector, randomBytes(32)));
  console.log(`nats-server ${nats.url}; ${APPENDS} appends of one TaskCompleted each (BENCH_APPENDS to change)`);
  // Warm-up: the connection, the JIT, the stream's first commits.
  const warm = new JetStreamEventStore(connector, { soleWriter: true, signer, tenantData });
  for (let i = 0; i < 300; i += 1) await warm.append('workflow-warm-up', [event(i)]);
  const stores = { unsigned: {}, signed: { signer }, 'signed, tenant data sealed': { signer, tenantData } };
  for (const [label, options] of Object.entries(stores)) {
    const store = new JetStreamEventStore(connector, { soleWriter: true, ...options });
    const stream = `workflow-${newId()}`;
    const events = Array.from({ length: APPENDS }, (_, i) => event(i));
    await timed(`append to JetStream, ${label}`, APPENDS, 'append', async () => {
      for (const e of events) await store.append(stream, [e]);
    });
  }

  const hashes = Array.from({ length: APPENDS }, () => randomBytes(32).toString('hex'));
  await timed('sign one commit (Ed25519 over its last hash)', APPENDS, 'signature', async () => {
    hashes.forEach((hash, i) => signer.sign('workflow-x', i, hash));
  });
  const batch = Array.from({ length: APPENDS }, (_, i) => event(i));
  await timed('seal one event\'s tenant data (AES-256-GCM, key cached)', APPENDS, 'event', async () => {
    for (const e of batch) await tenantData.seal([e], 'workflow-x');
  });

  // 12 events in 4 appends per stream, as a one-step run records them.
  const memory = new InMemoryEventStore(signer);
  const streams: RecordedEvent[][] = [];
  for (let s = 0; s < APPENDS / 4; s += 1) {
    const stream = `workflow-${s}`;
    for (let c = 0; c < 4; c += 1) await memory.append(stream, [event(c), event(c + 1), event(c + 2)]);
    streams.push(await memory.readStream(stream));
  }
  const total = streams.reduce((n, records) => n + records.length, 0);
  await timed('verify: hash chain only', total, 'event', async () => {
    for (const records of streams) if (!verifyChain(records).ok) throw new Error('chain broken');
  });
  await timed('verify: chain and every signature (3 events per commit)', total, 'event', async () => {
    for (const records of streams) if (!verifyStream(records, keys).ok) throw new Error('signature bad');
  });
  await timed('verify: chain, signatures after the head verified before', total, 'event', async () => {
    for (const records of streams) if (!verifyStream(records, keys, records.at(-1)).ok) throw new Error('signature bad');
  });
}

/** On its own nats-server, bootstrapped as a deployment is; stopped whatever happens. */
async function onNats(run: typeof main): Promise<void> {
  const nats = await startNatsServer();
  await bootstrapNats({ servers: nats.url, name: 'bench-bootstrap' });
  const connector = new NatsConnector({ servers: nats.url, name: 'bench' });
  await run(nats, connector).finally(async () => {
    await connector.close();
    await nats.stop();
  });
}

onNats(main).catch((error: Error) => {
  console.error(`benchmark failed: ${error.message}`);
  process.exitCode = 1;
});
