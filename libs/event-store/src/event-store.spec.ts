import { createMessage, newId, type Envelope } from '@agentos/contracts';
import { NatsConnector } from '@agentos/messaging';
import { startNatsServer, type NatsServerHandle } from '@agentos/testing';
import { InMemoryEventStore } from './in-memory.event-store';
import { JetStreamEventStore } from './jetstream.event-store';
import { WrongExpectedRevisionError, type EventStore } from './port';

const event = (goal: string): Envelope =>
  createMessage('IntentSubmitted', { intentId: newId(), goal, capability: 'echo', input: {} }, { tenant: 't1', actor: { kind: 'user', id: 'u' } });

let nats: NatsServerHandle;
let connector: NatsConnector;

beforeAll(async () => {
  nats = await startNatsServer();
  connector = new NatsConnector({ servers: nats.url, name: 'event-store-spec' });
});

afterAll(async () => {
  await connector.close();
  await nats.stop();
});

describe.each<[string, () => EventStore]>([
  ['in-memory', () => new InMemoryEventStore()],
  ['jetstream', () => new JetStreamEventStore(connector)],
])('%s event store', (_name, create) => {
  let store: EventStore;
  beforeEach(() => {
    store = create();
  });

  it('appends and reads back in order with revisions', async () => {
    const stream = `intent-${newId()}`;
    const [a, b, c] = [event('a'), event('b'), event('ü — 日本語')];
    await store.append(stream, [a, b], { expectedRevision: 'no_stream' });
    await store.append(stream, [c], { expectedRevision: 1 });
    const read = await store.readStream(stream);
    expect(read.map((r) => [r.revision, r.event.id])).toEqual([[0, a.id], [1, b.id], [2, c.id]]);
    expect(read[2].event).toEqual(c);
  });

  it('refuses an append at the wrong revision and stores nothing of it', async () => {
    const stream = `intent-${newId()}`;
    await store.append(stream, [event('a')], { expectedRevision: 'no_stream' });
    await expect(store.append(stream, [event('b'), event('c')], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(store.append(stream, [event('b')], { expectedRevision: 5 })).rejects.toThrow(/expected revision 5, found 0/);
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('stores a re-appended event once', async () => {
    const stream = `intent-${newId()}`;
    const a = event('a');
    await store.append(stream, [a]);
    const again = await store.append(stream, [a], { expectedRevision: 'no_stream' });
    expect(again.nextExpectedRevision).toBe(0);
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('reads an unknown stream as empty', async () => {
    expect(await store.readStream(`missing-${newId()}`)).toEqual([]);
  });
});
