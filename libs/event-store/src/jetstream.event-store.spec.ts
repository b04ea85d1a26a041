import { createMessage, newId } from '@agentos/contracts';
import { NatsConnector } from '@agentos/messaging';
import { startNatsServer, type NatsServerHandle } from '@agentos/testing';
import { JetStreamEventStore } from './jetstream.event-store';
import { EventStoreUnavailableError } from './port';

const event = () => createMessage('IntentSubmitted', { intentId: newId(), goal: 'g', capability: 'echo' }, { tenant: 't1', actor: { kind: 'user', id: 'u' } });

describe('JetStream event store when NATS goes away', () => {
  let nats: NatsServerHandle;
  let connector: NatsConnector;

  beforeAll(async () => {
    nats = await startNatsServer();
    connector = new NatsConnector({ servers: nats.url, name: 'outage-spec' });
  });

  afterAll(async () => {
    await connector.close();
    await nats.stop();
  });

  it('retries with backoff, then surfaces the outage as an error; after a restart it appends again', async () => {
    const store = new JetStreamEventStore(connector, { retryAttempts: 2 });
    const stream = `workflow-${newId()}`;
    await store.append(stream, [event()]);
    await nats.kill();
    const failure = await store.append(stream, [event()]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EventStoreUnavailableError);
    expect((failure as Error).message).toMatch(new RegExp(`^event store unavailable: append to ${stream} failed 2 times: `));
    await nats.restart();
    const recovered = new JetStreamEventStore(connector, { retryAttempts: 10 });
    await expect(recovered.append(stream, [event()], { expectedRevision: 0 })).resolves.toEqual({ nextExpectedRevision: 1 });
    expect(await recovered.readStream(stream)).toHaveLength(2);
  }, 60_000);
});

describe('JetStream event store reading streams it has read before', () => {
  let nats: NatsServerHandle;
  let connector: NatsConnector;
  const ids = (records: { event: { id: string } }[]) => records.map((r) => r.event.id);

  beforeAll(async () => {
    nats = await startNatsServer();
    connector = new NatsConnector({ servers: nats.url, name: 'read-cache-spec' });
  });

  afterAll(async () => {
    await connector.close();
    await nats.stop();
  });

  it('sees what another writer appended since its last read, in revision order, across interleaved streams', async () => {
    // Two instances: as two processes would be, each remembering what it read.
    const [a, b] = [new JetStreamEventStore(connector), new JetStreamEventStore(connector)];
    const [one, two] = [`workflow-${newId()}`, `workflow-${newId()}`];
    const written: Record<string, string[]> = { [one]: [], [two]: [] };
    for (let round = 0; round < 4; round += 1) {
      for (const [writer, stream] of [[a, one], [b, two], [b, one], [a, two]] as const) {
        const appended = [event(), event()];
        await writer.append(stream, appended, { expectedRevision: written[stream].length === 0 ? 'no_stream' : written[stream].length - 1 });
        written[stream].push(...appended.map((e) => e.id));
        // Each reads both streams after every append: most reads find some of the stream remembered.
        for (const reader of [a, b]) for (const s of [one, two]) expect(ids(await reader.readStream(s))).toEqual(written[s]);
      }
    }
    expect((await a.readStream(one)).map((r) => r.revision)).toEqual(written[one].map((_, i) => i));
    expect(ids(await b.readStream(two, { direction: 'backwards', maxCount: 3 }))).toEqual(written[two].slice(-3).reverse());
  });

  it('reads a stream rewritten behind its back as it now is, so tampering stays visible', async () => {
    const [reader, forger] = [new JetStreamEventStore(connector), new JetStreamEventStore(connector)];
    const stream = `workflow-${newId()}`;
    await reader.append(stream, [event(), event(), event()]);
    expect((await reader.readStream(stream)).map((r) => r.event.tenant)).toEqual(['t1', 't1', 't1']);
    await forger.tamper(stream, 1, (e) => ({ ...e, tenant: 'forged' }));
    expect((await reader.readStream(stream)).map((r) => r.event.tenant)).toEqual(['t1', 'forged', 't1']);
  });

  it('forgets streams beyond its capacity and still reads them whole', async () => {
    const store = new JetStreamEventStore(connector, { cachedStreams: 2 });
    const streams = [`workflow-${newId()}`, `workflow-${newId()}`, `workflow-${newId()}`];
    for (const stream of streams) await store.append(stream, [event()]);
    for (const stream of streams) expect((await store.readStream(stream)).map((r) => r.revision)).toEqual([0]);
    for (const stream of streams) await store.append(stream, [event()], { expectedRevision: 0 });
    for (const stream of [...streams].reverse()) expect((await store.readStream(stream)).map((r) => r.revision)).toEqual([0, 1]);
  });

  it('as the sole writer, reads its own stream from memory; a write on a view someone else made stale is refused once and the stream re-read', async () => {
    const [owner, intruder] = [new JetStreamEventStore(connector, { soleWriter: true }), new JetStreamEventStore(connector)];
    const stream = `workflow-${newId()}`;
    const first = event();
    await owner.append(stream, [first], { expectedRevision: 'no_stream' });
    const jsm = await connector.manager$();
    const apiCalls = async () => (await jsm.getAccountInfo()).api.total;
    const before = await apiCalls();
    expect(ids(await owner.readStream(stream))).toEqual([first.id]);
    // One API call: the account info itself; the read asked the server nothing.
    expect((await apiCalls()) - before).toBe(1);
    const sneaked = event();
    await intruder.append(stream, [sneaked], { expectedRevision: 0 });
    // The owner's view is stale: it decides on revision 0 and its write expecting that is refused...
    expect(ids(await owner.readStream(stream))).toEqual([first.id]);
    await expect(owner.append(stream, [event()], { expectedRevision: 0 })).rejects.toMatchObject({ name: 'WrongExpectedRevisionError' });
    // ...which makes it forget the view: the next read has the intruder's event, and the retry lands after it.
    expect(ids(await owner.readStream(stream))).toEqual([first.id, sneaked.id]);
    await expect(owner.append(stream, [event()], { expectedRevision: 1 })).resolves.toEqual({ nextExpectedRevision: 2 });
  });

  it('appends to a stream it has just read as empty without asking for its tail again; a stream created meanwhile refuses the append', async () => {
    const jsm = await connector.manager$();
    const apiCalls = async () => (await jsm.getAccountInfo()).api.total;
    const store = new JetStreamEventStore(connector, { soleWriter: true });
    const stream = `workflow-${newId()}`;
    expect(await store.readStream(stream)).toEqual([]);
    const before = await apiCalls();
    const first = event();
    await expect(store.append(stream, [first], { expectedRevision: 'no_stream' })).resolves.toEqual({ nextExpectedRevision: 0 });
    // The account info itself: the append was one publish, no look-up of the (absent) last commit.
    expect((await apiCalls()) - before).toBe(1);
    expect(ids(await new JetStreamEventStore(connector).readStream(stream))).toEqual([first.id]);

    // Read as empty by one store, created by another before the first appends: JetStream refuses the stale view.
    const late = `workflow-${newId()}`;
    const [slow, quick] = [new JetStreamEventStore(connector), new JetStreamEventStore(connector)];
    expect(await slow.readStream(late)).toEqual([]);
    const quickEvent = event();
    await quick.append(late, [quickEvent], { expectedRevision: 'no_stream' });
    await expect(slow.append(late, [event()], { expectedRevision: 'no_stream' })).rejects.toMatchObject({ name: 'WrongExpectedRevisionError' });
    // Not pinned to a revision, it lands after the other writer's event, chained to it.
    const blind = event();
    await slow.append(late, [blind]);
    const records = await new JetStreamEventStore(connector).readStream(late);
    expect(ids(records)).toEqual([quickEvent.id, blind.id]);
    expect(records[1].prevHash).toBe(records[0].hash);

    // An append that expects the stream to exist asks the server, whatever this store read before.
    const third = `workflow-${newId()}`;
    const [reader, creator] = [new JetStreamEventStore(connector, { soleWriter: true }), new JetStreamEventStore(connector)];
    expect(await reader.readStream(third)).toEqual([]);
    await creator.append(third, [event()], { expectedRevision: 'no_stream' });
    await expect(reader.append(third, [event()], { expectedRevision: 0 })).resolves.toEqual({ nextExpectedRevision: 1 });
    await expect(reader.append(third, [event()], { expectedRevision: 'stream_exists' })).resolves.toEqual({ nextExpectedRevision: 2 });
  });

  it('appends to a stream expected to be new without looking it up; one that exists refuses it, unless it holds these very events', async () => {
    const jsm = await connector.manager$();
    const apiCalls = async () => (await jsm.getAccountInfo()).api.total;
    const stream = `workflow-${newId()}`;
    const first = [event(), event()];
    const writer = new JetStreamEventStore(connector);
    await writer.readStream(`workflow-${newId()}`); // its start-up check of the stream, done
    const before = await apiCalls();
    await expect(writer.append(stream, first, { expectedRevision: 'no_stream' })).resolves.toEqual({ nextExpectedRevision: 1 });
    expect((await apiCalls()) - before).toBe(1); // the account info: the append was one publish
    // The same append again from another process (its first answer was lost): recognised, not refused.
    await expect(new JetStreamEventStore(connector).append(stream, first, { expectedRevision: 'no_stream' })).resolves.toEqual({ nextExpectedRevision: 1 });
    await expect(new JetStreamEventStore(connector).append(stream, [event()], { expectedRevision: 'no_stream' })).rejects.toMatchObject({ name: 'WrongExpectedRevisionError' });
    expect(ids(await new JetStreamEventStore(connector).readStream(stream))).toEqual(ids(first.map((e) => ({ event: e }))));
  });

  it('reads what is left of a stream whose newest commit was deleted, and says from which revision it is missing', async () => {
    const writer = new JetStreamEventStore(connector);
    const stream = `workflow-${newId()}`;
    for (let commit = 0; commit < 3; commit += 1) await writer.append(stream, [event(), event()]);
    const written = await writer.readStream(stream);
    await (await connector.manager$()).streams.deleteMessage('AGENTOS_EVENT_STORE', written[5].position.commit, true);
    for (const reader of [writer, new JetStreamEventStore(connector)]) {
      expect(ids(await reader.readStream(stream))).toEqual(ids(written.slice(0, 4)));
      expect(await reader.truncatedFrom(stream)).toBe(4);
      // The deleted commit was the newest of the whole store too: a scan of $all must not wait for it.
      expect(ids((await reader.readAll()).filter((r) => r.stream === stream))).toEqual(ids(written.slice(0, 4)));
    }
    expect(await writer.truncatedFrom(`workflow-${newId()}`)).toBeUndefined();
    expect(await writer.truncatedFrom(stream.replace('workflow-', 'never-'))).toBeUndefined();
  });
});
