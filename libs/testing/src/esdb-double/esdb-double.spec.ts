// Drives the double with the real @eventstore/db-client, so every assertion is about what the
// client sees, not about the double's internals.
import { randomUUID } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type Position,
} from '@eventstore/db-client';
import { waitFor } from '../wait-for';
import { EventLog } from './event-log';
import { startEsdbDouble, type EsdbDouble } from './index';
import { startServer } from './server';

const event = (type: string, data: Record<string, unknown>, id = randomUUID()) =>
  jsonEvent({ id, type, data, metadata: { note: `meta of ${type}` } });

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('esdb-double with the real EventStoreDB client', () => {
  let double: EsdbDouble;
  let client: EventStoreDBClient;

  beforeEach(async () => {
    double = await startEsdbDouble();
    client = EventStoreDBClient.connectionString(double.connectionString);
  });

  afterEach(async () => {
    await client.dispose();
    await double.stop();
  });

  const readStream = (stream: string, options: Parameters<EventStoreDBClient['readStream']>[1] = {}) =>
    collect(client.readStream(stream, options));
  const readAll = (options: Parameters<EventStoreDBClient['readAll']>[0] = {}) => collect(client.readAll(options));

  it('exposes an insecure esdb:// connection string on 127.0.0.1', () => {
    expect(double.connectionString).toMatch(/^esdb:\/\/127\.0\.0\.1:\d+\?tls=false$/);
  });

  it('appends and reads back ids, types, JSON data, metadata, revisions and positions', async () => {
    const first = event('OrderPlaced', { amount: 10 });
    const second = event('OrderPaid', { amount: 10, paid: true });

    const result = await client.appendToStream('order-1', [first, second], { expectedRevision: NO_STREAM });
    expect(result).toEqual({ success: true, nextExpectedRevision: 1n, position: { commit: 2n, prepare: 2n } });

    const read = await readStream('order-1');
    expect(read.map((resolved) => resolved.event)).toEqual([
      expect.objectContaining({
        streamId: 'order-1',
        id: first.id,
        type: 'OrderPlaced',
        data: { amount: 10 },
        metadata: { note: 'meta of OrderPlaced' },
        isJson: true,
        revision: 0n,
        position: { commit: 1n, prepare: 1n },
      }),
      expect.objectContaining({ id: second.id, type: 'OrderPaid', data: { amount: 10, paid: true }, revision: 1n }),
    ]);
    expect(read[0].commitPosition).toBe(1n);
    expect(read[0].event?.created).toBeInstanceOf(Date);
    expect(Math.abs(Date.now() - (read[0].event?.created.getTime() ?? 0))).toBeLessThan(60_000);
  });

  it('reads a stream backwards, from a revision, from END, and honours maxCount', async () => {
    const events = [0, 1, 2, 3].map((n) => event('Counted', { n }));
    await client.appendToStream('counter', events, { expectedRevision: NO_STREAM });
    const ns = (read: Awaited<ReturnType<typeof readStream>>) => read.map((resolved) => resolved.event?.revision);

    expect(ns(await readStream('counter', { fromRevision: 2n }))).toEqual([2n, 3n]);
    expect(ns(await readStream('counter', { direction: BACKWARDS, fromRevision: END }))).toEqual([3n, 2n, 1n, 0n]);
    expect(ns(await readStream('counter', { direction: BACKWARDS, fromRevision: 1n }))).toEqual([1n, 0n]);
    expect(ns(await readStream('counter', { direction: BACKWARDS, fromRevision: END, maxCount: 1 }))).toEqual([3n]);
    expect(ns(await readStream('counter', { direction: FORWARDS, fromRevision: START, maxCount: 2 }))).toEqual([0n, 1n]);
    expect(ns(await readStream('counter', { fromRevision: END }))).toEqual([]);
    expect(ns(await readStream('counter', { fromRevision: 9n }))).toEqual([]);
  });

  it('makes the client throw StreamNotFoundError for a stream that was never written', async () => {
    const error = await rejection(readStream('nobody-here'));
    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect((error as StreamNotFoundError).streamName).toBe('nobody-here');
  });

  it('checks every kind of expected revision and reports mismatches as WrongExpectedVersionError', async () => {
    const missing = await rejection(client.appendToStream('acct', event('Opened', {}), { expectedRevision: STREAM_EXISTS }));
    expect(missing).toBeInstanceOf(WrongExpectedVersionError);
    expect(missing).toMatchObject({ streamName: 'acct', expectedVersion: 'stream_exists', actualVersion: 'no_stream' });

    await client.appendToStream('acct', event('Opened', {}), { expectedRevision: NO_STREAM });
    await client.appendToStream('acct', event('Credited', { amount: 5 }), { expectedRevision: STREAM_EXISTS });
    const exact = await client.appendToStream('acct', event('Debited', { amount: 2 }), { expectedRevision: 1n });
    expect(exact.nextExpectedRevision).toBe(2n);
    const any = await client.appendToStream('acct', event('Credited', { amount: 1 }), { expectedRevision: ANY });
    expect(any.nextExpectedRevision).toBe(3n);

    const stale = await rejection(client.appendToStream('acct', event('Debited', { amount: 9 }), { expectedRevision: 1n }));
    expect(stale).toBeInstanceOf(WrongExpectedVersionError);
    expect(stale).toMatchObject({ streamName: 'acct', expectedVersion: 1n, actualVersion: 3n });

    const exists = await rejection(client.appendToStream('acct', event('Opened', {}), { expectedRevision: NO_STREAM }));
    expect(exists).toMatchObject({ streamName: 'acct', expectedVersion: 'no_stream', actualVersion: 3n });
  });

  it('stores a multi-event append atomically: a rejected batch leaves no trace, positions included', async () => {
    await client.appendToStream('cart', event('Created', {}), { expectedRevision: NO_STREAM });
    const batch = [event('Added', { sku: 'a' }), event('Added', { sku: 'b' }), event('Added', { sku: 'c' })];
    await expect(client.appendToStream('cart', batch, { expectedRevision: 5n })).rejects.toBeInstanceOf(WrongExpectedVersionError);

    expect(await readStream('cart')).toHaveLength(1);
    const next = await client.appendToStream('cart', batch, { expectedRevision: 0n });
    expect(next).toMatchObject({ nextExpectedRevision: 3n, position: { commit: 4n, prepare: 4n } });
    expect((await readStream('cart')).map((resolved) => resolved.event?.data)).toEqual([{}, { sku: 'a' }, { sku: 'b' }, { sku: 'c' }]);
  });

  it('treats a re-append of the same event ids as an idempotent replay, like EventStoreDB', async () => {
    const a = event('A', { n: 1 });
    const b = event('B', { n: 2 });
    const first = await client.appendToStream('replay', [a, b], { expectedRevision: NO_STREAM });

    // Same ids right after the same expected revision: success, nothing stored twice.
    const again = await client.appendToStream('replay', [a, b], { expectedRevision: NO_STREAM });
    expect(again).toEqual(first);
    expect(await client.appendToStream('replay', [b], { expectedRevision: 0n })).toMatchObject({ nextExpectedRevision: 1n });
    expect(await client.appendToStream('replay', [a, b], { expectedRevision: ANY })).toMatchObject({ nextExpectedRevision: 1n });
    expect(await readStream('replay')).toHaveLength(2);

    // A partial match is not a replay.
    const partial = await rejection(client.appendToStream('replay', [a, event('C', {})], { expectedRevision: NO_STREAM }));
    expect(partial).toBeInstanceOf(WrongExpectedVersionError);
    await expect(client.appendToStream('replay', [a, event('C', {})], { expectedRevision: ANY })).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    expect(await readStream('replay')).toHaveLength(2);
  });

  it('enforces EventStoreDB\'s default 1 MiB maximum append size', async () => {
    const tooBig = event('Big', { blob: 'x'.repeat(1_048_576) });
    const error = await rejection(client.appendToStream('big', tooBig, { expectedRevision: NO_STREAM }));
    expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
    expect((error as MaxAppendSizeExceededError).maxAppendSize).toBe(1_048_576);
    await expect(readStream('big')).rejects.toBeInstanceOf(StreamNotFoundError);
    const fits = event('Big', { blob: 'x'.repeat(1_000_000) });
    expect(await client.appendToStream('big', fits, { expectedRevision: NO_STREAM })).toMatchObject({ success: true });
  });

  it('reads $all in global order from START, END or a position, both directions, with maxCount', async () => {
    await client.appendToStream('left', event('L', { i: 1 }), { expectedRevision: NO_STREAM });
    await client.appendToStream('right', event('R', { i: 2 }), { expectedRevision: NO_STREAM });
    await client.appendToStream('left', event('L', { i: 3 }), { expectedRevision: 0n });
    const summary = (read: AllStreamResolvedEvent[]) =>
      read.map(({ event: stored, commitPosition }) => [stored?.streamId, stored?.data, commitPosition]);

    expect(summary(await readAll())).toEqual([
      ['left', { i: 1 }, 1n],
      ['right', { i: 2 }, 2n],
      ['left', { i: 3 }, 3n],
    ]);
    // Forwards from a position includes it; backwards from a position starts before it.
    expect(summary(await readAll({ fromPosition: { commit: 2n, prepare: 2n } }))).toEqual([
      ['right', { i: 2 }, 2n],
      ['left', { i: 3 }, 3n],
    ]);
    expect(summary(await readAll({ fromPosition: { commit: 2n, prepare: 2n }, direction: BACKWARDS }))).toEqual([['left', { i: 1 }, 1n]]);
    expect(summary(await readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }))).toEqual([['left', { i: 3 }, 3n]]);
    expect(await readAll({ fromPosition: END })).toEqual([]);
    expect(await readAll({ fromPosition: START, direction: BACKWARDS })).toEqual([]);
    expect(summary(await readAll({ maxCount: 2 }))).toHaveLength(2);
  });

  it('runs a filtered catch-up subscription: confirmation, history after the position, caught-up, live', async () => {
    await client.appendToStream('order-1', event('OrderPlaced', { i: 1 }), { expectedRevision: NO_STREAM });
    await client.appendToStream('invoice-1', event('InvoiceSent', { i: 2 }), { expectedRevision: NO_STREAM });
    await client.appendToStream('order-2', event('OrderPlaced', { i: 3 }), { expectedRevision: NO_STREAM });
    await client.appendToStream('order-3', event('OrderPlaced', { i: 4 }), { expectedRevision: NO_STREAM });

    const seen: unknown[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: { commit: 3n, prepare: 3n }, // exclusive: order-2 at position 3 is not redelivered
      filter: streamNameFilter({ prefixes: ['order-'] }),
    });
    subscription.on('confirmation', () => seen.push('confirmation'));
    subscription.on('caughtUp', () => seen.push('caughtUp'));
    const loop = (async () => {
      for await (const resolved of subscription) seen.push(resolved.event?.data);
    })();

    await waitFor(() => seen.length, (n) => n >= 3, { what: 'catch-up' });
    await client.appendToStream('invoice-2', event('InvoiceSent', { i: 5 }), { expectedRevision: NO_STREAM });
    await client.appendToStream('order-1', event('OrderShipped', { i: 6 }), { expectedRevision: 0n });
    await waitFor(() => seen.length, (n) => n >= 4, { what: 'live event' });

    await subscription.unsubscribe();
    await loop; // unsubscribe() ends the async iteration cleanly, without an error
    expect(seen).toEqual(['confirmation', { i: 4 }, 'caughtUp', { i: 6 }]);
  });

  it('filters a subscription by event type from START and sends checkpoints for filtered subscriptions', async () => {
    const types = ['OrderPlaced', 'Noise', 'OrderPaid', 'Noise', 'Noise'];
    for (const [i, type] of types.entries()) {
      await client.appendToStream(`s-${i}`, event(type, { i }), { expectedRevision: NO_STREAM });
    }
    const checkpoints: Position[] = [];
    const received: unknown[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: START,
      // A checkpoint every 2 x 1 considered events, matching or not.
      filter: eventTypeFilter({ prefixes: ['Order'], maxSearchWindow: 1, checkpointInterval: 2, checkpointReached: (_s, p) => void checkpoints.push(p) }),
    });
    subscription.on('data', (resolved: AllStreamResolvedEvent) => received.push(resolved.event?.type));

    await waitFor(() => checkpoints.length, (n) => n >= 2, { what: 'checkpoints' });
    await client.appendToStream('s-live', event('OrderShipped', {}), { expectedRevision: NO_STREAM });
    await waitFor(() => [received.length, checkpoints.length], ([r, c]) => r >= 3 && c >= 3, { what: 'live' });
    await subscription.unsubscribe();

    expect(received).toEqual(['OrderPlaced', 'OrderPaid', 'OrderShipped']);
    expect(checkpoints).toEqual([
      { commit: 2n, prepare: 2n },
      { commit: 4n, prepare: 4n },
      { commit: 6n, prepare: 6n },
    ]);
  });

  it('tampers with the stored JSON data of one event', async () => {
    await client.appendToStream('ledger', [event('Entry', { amount: 1 }), event('Entry', { amount: 2 })], {
      expectedRevision: NO_STREAM,
    });
    double.tamper('ledger', 1, (data) => ({ ...(data as Record<string, unknown>), amount: 2000 }));

    const read = await readStream('ledger');
    expect(read.map((resolved) => resolved.event?.data)).toEqual([{ amount: 1 }, { amount: 2000 }]);
    expect(() => double.tamper('ledger', 7, (data) => data)).toThrow(/no event ledger@7/);
  });

  it('answers UNIMPLEMENTED, naming the method, for what it does not support', async () => {
    await client.appendToStream('gone', event('X', {}), { expectedRevision: NO_STREAM });
    await expect(client.deleteStream('gone')).rejects.toThrow(
      'esdb-double does not implement /event_store.client.streams.Streams/Delete',
    );
    await expect(collect(client.subscribeToStream('gone'))).rejects.toThrow(/does not implement subscriptions to a single stream/);
    await expect(client.listProjections()).rejects.toThrow(/does not implement \/event_store.client.projections.Projections\/Statistics/);
  });
});

describe('esdb-double protocol details', () => {
  it('is used through BatchAppend by default and through Append when a call carries credentials', async () => {
    const calls: string[] = [];
    const server = await startServer(new EventLog(), { onCall: (path) => calls.push(path) });
    const client = EventStoreDBClient.connectionString(`esdb://127.0.0.1:${server.port}?tls=false`);
    const credentials = { username: 'admin', password: 'changeit' }; // ignored by both sides: insecure
    try {
      await client.appendToStream('s', event('E', {}), { expectedRevision: NO_STREAM });
      const viaAppend = await client.appendToStream('s', event('E', {}), { expectedRevision: 0n, credentials });
      expect(viaAppend).toEqual({ success: true, nextExpectedRevision: 1n, position: { commit: 2n, prepare: 2n } });
      const wrong = await rejection(client.appendToStream('s', event('E', {}), { expectedRevision: NO_STREAM, credentials }));
      expect(wrong).toBeInstanceOf(WrongExpectedVersionError);
      expect(wrong).toMatchObject({ streamName: 's', expectedVersion: 'no_stream', actualVersion: 1n });
      const tooBig = event('Big', { blob: 'x'.repeat(1_048_576) });
      const oversized = await rejection(client.appendToStream('s', tooBig, { expectedRevision: ANY, credentials }));
      expect(oversized).toBeInstanceOf(MaxAppendSizeExceededError);
      expect((oversized as MaxAppendSizeExceededError).maxAppendSize).toBe(1_048_576);
    } finally {
      await client.dispose();
      await server.stop();
    }
    expect(calls).toEqual([
      '/event_store.client.server_features.ServerFeatures/GetSupportedMethods',
      '/event_store.client.streams.Streams/BatchAppend',
      '/event_store.client.streams.Streams/Append',
      '/event_store.client.streams.Streams/Append',
      '/event_store.client.streams.Streams/Append',
    ]);
  });

  it('frees the server-side listener when the client unsubscribes', async () => {
    const log = new EventLog();
    const server = await startServer(log);
    const client = EventStoreDBClient.connectionString(`esdb://127.0.0.1:${server.port}?tls=false`);
    try {
      const subscription = client.subscribeToAll({ fromPosition: END });
      await new Promise((resolve) => subscription.once('caughtUp', resolve));
      expect(log.listenerCount).toBe(1);
      await subscription.unsubscribe();
      await waitFor(() => log.listenerCount, (n) => n === 0, { what: 'listener removal' });
    } finally {
      await client.dispose();
      await server.stop();
    }
  });
});
