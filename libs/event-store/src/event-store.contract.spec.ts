import { createMessage, newId, type Envelope } from '@agentos/contracts';
import { NatsConnector } from '@agentos/messaging';
import { startNatsServer, waitFor, type NatsServerHandle } from '@agentos/testing';
import { startEsdbDouble, type EsdbDouble } from '@agentos/testing/esdb-double';
import { EventStoreDbEventStore } from './eventstoredb.event-store';
import { verifyChain } from './hash-chain';
import { InMemoryEventStore } from './in-memory.event-store';
import { JetStreamEventStore } from './jetstream.event-store';
import { InvalidEventError, WrongExpectedRevisionError, type EventStore, type RecordedEvent } from './port';
import { InMemoryCheckpointStore, KvCheckpointStore, runProjection, type CheckpointStore } from './projection';

const event = (goal: string, input: Record<string, unknown> = {}): Envelope =>
  createMessage('IntentSubmitted', { intentId: newId(), goal, capability: 'echo', input }, { tenant: 't1', actor: { kind: 'user', id: 'u' } });
const events = (n: number, prefix = 'e') => Array.from({ length: n }, (_, i) => event(`${prefix}${i}`));
const goals = (records: RecordedEvent[]) => records.map((r) => (r.event.payload as { goal: string }).goal);

interface Fixture {
  store: EventStore;
  checkpoints: CheckpointStore;
  /** Rewrites a stored event behind the store's back; absent where the test cannot reach the storage. */
  tamper?(stream: string, revision: number, mutate: (e: Envelope) => Envelope): Promise<void> | void;
}

let nats: NatsServerHandle;
let connector: NatsConnector;
let esdbDouble: EsdbDouble;

/** The double is configured as the README's production server: --max-append-size 8 MiB. */
const MAX_APPEND_SIZE = 8 * 1024 * 1024;

beforeAll(async () => {
  nats = await startNatsServer();
  connector = new NatsConnector({ servers: nats.url, name: 'event-store-contract' });
  esdbDouble = await startEsdbDouble({ maxAppendSize: MAX_APPEND_SIZE });
});

afterAll(async () => {
  await connector.close();
  await nats.stop();
  await esdbDouble.stop();
});

const adapters: [string, () => Promise<Fixture>][] = [
  [
    'in-memory',
    async () => {
      const store = new InMemoryEventStore();
      return { store, checkpoints: new InMemoryCheckpointStore(), tamper: (s, r, m) => store.tamper(s, r, m) };
    },
  ],
  [
    'jetstream',
    async () => {
      const store = new JetStreamEventStore(connector);
      return { store, checkpoints: new KvCheckpointStore(connector), tamper: (s, r, m) => store.tamper(s, r, m) };
    },
  ],
  [
    'eventstoredb (in-process gRPC double of the Streams API)',
    async () => ({
      store: EventStoreDbEventStore.fromConnectionString(esdbDouble.connectionString),
      checkpoints: new InMemoryCheckpointStore(),
      tamper: (stream, revision, mutate) => esdbDouble.tamper(stream, revision, (data) => mutate(data as Envelope)),
    }),
  ],
];

// The same suite against a real EventStoreDB when one is given (see README, production).
const ESDB_URL = process.env.ESDB_URL;
if (ESDB_URL) {
  adapters.push([
    `eventstoredb (real server at ${ESDB_URL})`,
    async () => ({ store: EventStoreDbEventStore.fromConnectionString(ESDB_URL), checkpoints: new InMemoryCheckpointStore() }),
  ]);
} else {
  describe('eventstoredb (real server)', () => {
    it.skip('SKIPPED: set ESDB_URL=esdb://host:2113?tls=false to run the contract suite against a real EventStoreDB', () => undefined);
  });
}

describe.each(adapters)('%s event store (contract)', (name, create) => {
  // A real server offers no back door to alter a stored event, so tampering is shown on the others.
  const withStorageAccess = name.includes('real server') ? it.skip : it;
  let fixture: Fixture;
  let store: EventStore;
  const streamName = (kind = 'workflow') => `${kind}-${newId()}`;

  beforeEach(async () => {
    fixture = await create();
    store = fixture.store;
  });

  afterEach(async () => {
    await store.close();
  });

  it('appends and reads back in order, with revisions, unicode intact', async () => {
    const stream = streamName();
    const [a, b, c] = [event('a'), event('b'), event('ü — 日本語 — 🚀')];
    expect(await store.append(stream, [a, b], { expectedRevision: 'no_stream' })).toEqual({ nextExpectedRevision: 1 });
    expect(await store.append(stream, [c], { expectedRevision: 1 })).toEqual({ nextExpectedRevision: 2 });
    const read = await store.readStream(stream);
    expect(read.map((r) => [r.revision, r.event.id])).toEqual([[0, a.id], [1, b.id], [2, c.id]]);
    expect(read[2].event).toEqual(c);
  });

  it('refuses appends at the wrong expected revision with a typed error, storing nothing of them', async () => {
    const stream = streamName();
    await expect(store.append(stream, [event('x')], { expectedRevision: 'stream_exists' })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await store.append(stream, [event('a')], { expectedRevision: 'no_stream' });
    await expect(store.append(stream, [event('b'), event('c')], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(store.append(stream, [event('b')], { expectedRevision: 5 })).rejects.toThrow(`stream "${stream}": expected revision 5, found 0`);
    await store.append(stream, [event('d')], { expectedRevision: 'stream_exists' });
    expect(goals(await store.readStream(stream))).toEqual(['a', 'd']);
  });

  it('lets exactly one of two concurrent writers at the same revision win', async () => {
    const stream = streamName();
    await store.append(stream, [event('base')]);
    const results = await Promise.allSettled([store.append(stream, [event('left')], { expectedRevision: 0 }), store.append(stream, [event('right')], { expectedRevision: 0 })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: expect.any(WrongExpectedRevisionError) });
    expect(await store.readStream(stream)).toHaveLength(2);
  });

  it('stores a re-appended event once (by event id)', async () => {
    const stream = streamName();
    const batch = [event('a'), event('b')];
    await store.append(stream, batch, { expectedRevision: 'no_stream' });
    expect(await store.append(stream, batch, { expectedRevision: 'no_stream' })).toEqual({ nextExpectedRevision: 1 });
    expect(await store.append(stream, batch)).toEqual({ nextExpectedRevision: 1 });
    await store.append(stream, [event('c')], { expectedRevision: 1 });
    expect(await store.append(stream, [batch[1]], { expectedRevision: 0 })).toEqual({ nextExpectedRevision: 2 });
    expect(goals(await store.readStream(stream))).toEqual(['a', 'b', 'c']);
  });

  it('records the same event in two streams, once in each (a service keeps its own copy of a fact a run records)', async () => {
    const [own, run] = [streamName(), streamName()];
    const fact = event('decided');
    await store.append(run, [event('started')], { expectedRevision: 'no_stream' });
    await store.append(own, [fact], { expectedRevision: 'no_stream' });
    expect(await store.append(run, [fact], { expectedRevision: 0 })).toEqual({ nextExpectedRevision: 1 });
    expect(goals(await store.readStream(own))).toEqual(['decided']);
    expect(goals(await store.readStream(run))).toEqual(['started', 'decided']);
  });

  it('reads forwards and backwards, from a revision, up to a count', async () => {
    const stream = streamName();
    await store.append(stream, events(6));
    expect(goals(await store.readStream(stream, { fromRevision: 2, maxCount: 3 }))).toEqual(['e2', 'e3', 'e4']);
    expect(goals(await store.readStream(stream, { direction: 'backwards', maxCount: 2 }))).toEqual(['e5', 'e4']);
    expect(goals(await store.readStream(stream, { direction: 'backwards', fromRevision: 1 }))).toEqual(['e1', 'e0']);
    expect(await store.readStream(stream, { fromRevision: 'end' })).toEqual([]);
    expect(await store.readStream(streamName('missing'))).toEqual([]);
  });

  it('reads $all in append order across streams, after a position', async () => {
    const [s1, s2] = [streamName(), streamName()];
    await store.append(s1, [event('one')]);
    await store.append(s2, [event('two'), event('three')]);
    await store.append(s1, [event('four')]);
    const all = (await store.readAll()).filter((r) => r.stream === s1 || r.stream === s2);
    expect(goals(all)).toEqual(['one', 'two', 'three', 'four']);
    const afterTwo = (await store.readAll({ after: all[1].position })).filter((r) => r.stream === s1 || r.stream === s2);
    expect(goals(afterTwo)).toEqual(['three', 'four']);
    expect(await store.readAll({ after: all[1].position, maxCount: 1 })).toHaveLength(1);
  });

  it('resumes a subscription from its checkpoint after a restart, with filters', async () => {
    const prefix = `proj-${newId()}-`;
    const seen: string[] = [];
    const start = () =>
      runProjection({ name: prefix, store, checkpoints: fixture.checkpoints, filter: { streamPrefixes: [prefix] }, handle: async (r) => void seen.push((r.event.payload as { goal: string }).goal) });
    await store.append(`${prefix}a`, [event('first'), event('second')]);
    await store.append(streamName('other'), [event('not mine')]);
    const first = await start();
    await waitFor(() => seen.length, (n) => n === 2, { what: 'catch-up' });
    await store.append(`${prefix}b`, [event('live')]);
    await waitFor(() => seen.length, (n) => n === 3, { what: 'a live event' });
    await first.stop();
    await store.append(`${prefix}a`, [event('while down')]);
    const second = await start();
    await waitFor(() => seen.length, (n) => n === 4, { what: 'resume' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await second.stop();
    expect(seen).toEqual(['first', 'second', 'live', 'while down']);
  });

  it('holds a 10,000-event stream', async () => {
    const stream = streamName();
    for (let batch = 0; batch < 100; batch += 1) await store.append(stream, events(100, `b${batch}-`), { expectedRevision: batch === 0 ? 'no_stream' : batch * 100 - 1 });
    const read = await store.readStream(stream);
    expect(read).toHaveLength(10_000);
    expect(read.every((r, i) => r.revision === i)).toBe(true);
    expect(goals(await store.readStream(stream, { direction: 'backwards', maxCount: 2 }))).toEqual(['b99-99', 'b99-98']);
    expect(verifyChain(read)).toEqual({ ok: true, events: 10_000 });
  }, 60_000);

  it('stores an event with a 1 MiB payload intact', async () => {
    const stream = streamName();
    // 1 MiB of UTF-8 in an agent's output (a client's input is held to MAX_INPUT_BYTES at the edge; what agents produce is not).
    const big = createMessage('TaskCompleted', { taskId: newId(), intentId: newId(), stepId: 'main', attempt: 1, agent: 'a', agentVersion: '1.0.0', instanceId: 'i', output: { blob: 'ü'.repeat(512 * 1024) } }, { tenant: 'acme', actor: { kind: 'agent', id: 'a@1.0.0' } });
    await store.append(stream, [big]);
    const [read] = await store.readStream(stream);
    expect(read.event).toEqual(big);
  });

  it('refuses an event that fails its schema, naming the field, and stores nothing', async () => {
    const stream = streamName();
    const bad = { ...event('x'), payload: { intentId: 'nope', goal: 'x', capability: 'echo', input: {} } };
    await expect(store.append(stream, [event('ok'), bad])).rejects.toThrow(InvalidEventError);
    await expect(store.append(stream, [bad])).rejects.toThrow(/payload\.intentId/);
    expect(await store.readStream(stream)).toEqual([]);
  });

  withStorageAccess('chains events by hash, and verification finds the one that was altered', async () => {
    const stream = streamName();
    await store.append(stream, events(3));
    await store.append(stream, events(2, 'f'));
    expect(verifyChain(await store.readStream(stream))).toEqual({ ok: true, events: 5 });
    await fixture.tamper?.(stream, 3, (e) => ({ ...e, payload: { ...(e.payload as object), goal: 'forged' } }));
    const records = await store.readStream(stream);
    expect(goals(records)[3]).toBe('forged');
    expect(verifyChain(records)).toMatchObject({ ok: false, revision: 3, eventId: records[3].event.id, reason: expect.stringMatching(/altered/) });
  });
});
