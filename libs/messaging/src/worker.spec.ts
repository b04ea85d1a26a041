import { InvalidPayloadError, createMessage, newId, subjectOf, type MessageOf } from '@agentos/contracts';
import { readStoredMessages, startNatsServer, waitFor, type NatsServerHandle } from '@agentos/testing';
import { NatsConnector } from './connection';
import { PermanentFailureFilter } from './nest/permanent-failure.filter';
import { MessagePublisher } from './publisher';
import { RefusedMessage } from './refused-message';
import { bootstrapTopology } from './bootstrap';
import { MessageWorker, backoffMs, type MessageHandler } from './worker';

const origin = { tenant: 'acme', actor: { kind: 'user' as const, id: 'tester' } };
const intent = (goal = 'summarise the report') =>
  createMessage('IntentSubmitted', { intentId: newId(), goal, capability: 'summarise', input: {} }, origin);

describe('MessageWorker on a real nats-server', () => {
  let nats: NatsServerHandle;
  let connector: NatsConnector;
  let publisher: MessagePublisher;
  const workers: MessageWorker<'IntentSubmitted'>[] = [];
  let suite = 0;

  const worker = (handler: MessageHandler<'IntentSubmitted'>, extra: Partial<ConstructorParameters<typeof MessageWorker>[2]> = {}) => {
    const w = new MessageWorker(connector, publisher, {
      service: `svc${suite}`,
      type: 'IntentSubmitted',
      handler,
      retry: { maxDeliver: 3, initialBackoffMs: 20, maxBackoffMs: 100 },
      ...extra,
    } as ConstructorParameters<typeof MessageWorker<'IntentSubmitted'>>[2]);
    workers.push(w);
    return w;
  };

  const deadLetters = async () =>
    (await readStoredMessages<MessageOf<'MessageDeadLettered'>>(await connector.manager$(), 'AGENTOS_DEAD_LETTERS')).filter(
      (letter) => letter.payload.service === `svc${suite}`,
    );

  beforeAll(async () => {
    nats = await startNatsServer();
    connector = new NatsConnector({ servers: nats.url, name: 'worker-spec' });
    publisher = new MessagePublisher(connector);
    await bootstrapTopology(connector);
  });

  beforeEach(async () => {
    suite += 1; // a fresh durable per test, over emptied streams: each test sees only its own messages
    const jsm = await connector.manager$();
    await jsm.streams.purge('AGENTOS_EVENTS');
    await jsm.streams.purge('AGENTOS_DEAD_LETTERS');
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });

  afterAll(async () => {
    await connector.close();
    await nats.stop();
  });

  it('acks only after the handler has succeeded', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const w = worker(() => gate);
    await w.start();
    await publisher.publish(intent());
    const jsm = await connector.manager$();
    const during = await waitFor(() => jsm.consumers.info('AGENTOS_EVENTS', w.durable), (i) => i.num_ack_pending === 1, { what: 'the message to be in flight' });
    expect(during.num_ack_pending).toBe(1);
    expect(w.stats.acked).toBe(0);
    release();
    const after = await waitFor(() => jsm.consumers.info('AGENTOS_EVENTS', w.durable), (i) => i.num_ack_pending === 0 && i.num_pending === 0);
    expect(after.delivered.consumer_seq).toBe(1);
    expect(w.stats.acked).toBe(1);
  });

  it('redelivers a message whose handler threw, then acks it', async () => {
    const deliveries: number[] = [];
    const w = worker(async (_message, delivery) => {
      deliveries.push(delivery.deliveryCount);
      if (delivery.deliveryCount === 1) throw new Error('transient failure');
    });
    await w.start();
    await publisher.publish(intent());
    await waitFor(() => w.stats.acked, (acked) => acked === 1);
    expect(deliveries).toEqual([1, 2]);
    expect(w.stats.retried).toBe(1);
    expect(await deadLetters()).toHaveLength(0);
  });

  it('dead-letters a message after maxDeliver failed attempts, with the error', async () => {
    let attempts = 0;
    const w = worker(async () => {
      attempts += 1;
      throw new Error(`downstream unavailable (attempt ${attempts})`);
    });
    await w.start();
    const message = intent();
    await publisher.publish(message);
    const [letter] = await waitFor(deadLetters, (letters) => letters.length === 1, { what: 'a dead letter' });
    expect(attempts).toBe(3);
    expect(letter.payload).toMatchObject({
      reason: 'max-deliveries-exceeded',
      deliveries: 3,
      error: 'downstream unavailable (attempt 3)',
      subject: subjectOf(message),
    });
    expect(letter.causationId).toBe(message.id);
    expect(letter.correlationId).toBe(message.correlationId);
    expect(JSON.parse(letter.payload.original).id).toBe(message.id);
  });

  it('dead-letters an invalid message once, with the zod error naming the field, without calling the handler', async () => {
    const handler = jest.fn(async () => undefined);
    const w = worker(handler);
    await w.start();
    const bad = { ...intent(), payload: { intentId: newId(), capability: 'summarise', input: {} } }; // goal missing
    const js = await connector.jetstream();
    await js.publish(subjectOf(intent()), Buffer.from(JSON.stringify(bad)), { msgID: bad.id });
    await js.publish(subjectOf(intent()), Buffer.from('not json at all'));
    const letters = await waitFor(deadLetters, (l) => l.length === 2, { what: 'two dead letters' });
    // Give a wrongly retried message time to show up as a second letter or a handler call.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await deadLetters()).toHaveLength(2);
    expect(handler).not.toHaveBeenCalled();
    const [schemaLetter, jsonLetter] = letters;
    expect(schemaLetter.payload).toMatchObject({ reason: 'invalid-message', deliveries: 1 });
    expect(schemaLetter.payload.issues).toEqual([expect.objectContaining({ path: 'payload.goal' })]);
    expect(schemaLetter.payload.error).toMatch(/^payload\.goal: /);
    expect(jsonLetter.payload.error).toMatch(/not JSON/);
    expect(w.stats.deadLettered['invalid-message']).toBe(2);
  });

  it('dead-letters an envelope whose tenant or actor disagrees with the sender tokens of its subject, without calling the handler', async () => {
    const handler = jest.fn(async () => undefined);
    const w = worker(handler);
    await w.start();
    const js = await connector.jetstream();
    const otherTenant = intent();
    const otherActor = intent();
    // Sent by tenant globex's principal and by an agent, each claiming to be acme's user tester.
    await js.publish('agentos.evt.intent.submitted.globex.user-tester', Buffer.from(JSON.stringify(otherTenant)), { msgID: otherTenant.id });
    await js.publish('agentos.evt.intent.submitted.acme.agent-summariser', Buffer.from(JSON.stringify(otherActor)), { msgID: otherActor.id });
    const letters = await waitFor(deadLetters, (l) => l.length === 2, { what: 'two dead letters' });
    expect(handler).not.toHaveBeenCalled();
    const byCause = Object.fromEntries(letters.map((letter) => [letter.causationId, letter.payload.error]));
    expect(byCause[otherTenant.id]).toMatch(/tenant "acme" but was sent as tenant "globex"/);
    expect(byCause[otherActor.id]).toMatch(/actor user:tester but was sent by principal "agent-summariser"/);
  });

  /** What a Nest handler's throw becomes on its way to the worker. */
  const throughNest = (error: Error) => () =>
    new Promise<void>((_resolve, reject) => new PermanentFailureFilter().catch(error, undefined as never).subscribe({ error: reject }));

  it.each([
    ['a stack overflow on a deep input', () => Promise.reject<void>(new RangeError('Maximum call stack size exceeded')), 'invalid-message', 'Maximum call stack size exceeded'],
    ['a payload built from it that fails its schema', () => Promise.reject<void>(new InvalidPayloadError('TaskQueued', [{ path: 'payload.input', message: 'nested 200 levels deep; at most 128' }])), 'invalid-message', 'invalid TaskQueued: payload.input: nested 200 levels deep; at most 128'],
    ['a stack overflow in a Nest handler', throughNest(new RangeError('Maximum call stack size exceeded')), 'invalid-message', 'Maximum call stack size exceeded'],
    ['a refusal of the message', () => Promise.reject<void>(new RefusedMessage('not from the instance the task is assigned to')), 'refused', 'not from the instance the task is assigned to'],
  ] as const)('dead-letters at once a message whose handler fails permanently (%s), with the reason and the cause', async (_case, fail, reason, error) => {
    const handler = jest.fn(fail);
    const w = worker(handler);
    await w.start();
    await publisher.publish(intent());
    const [letter] = await waitFor(deadLetters, (l) => l.length === 1, { what: 'the dead letter' });
    await new Promise((resolve) => setTimeout(resolve, 300)); // a wrong retry would call the handler again
    expect(handler).toHaveBeenCalledTimes(1);
    expect(letter.payload).toMatchObject({ reason, deliveries: 1, error });
    expect(w.stats).toMatchObject({ retried: 0, deadLettered: { [reason]: 1 } });
  });

  it.each([
    ['a timeout', new Error('TIMEOUT')],
    ['no responders', new Error('503')],
    ['a Nest handler losing its connection', new Error('CONNECTION_CLOSED')],
  ])('retries a transient failure (%s) with backoff until it passes', async (_case, failure) => {
    const deliveries: number[] = [];
    const w = worker(async (_message, delivery) => {
      deliveries.push(delivery.deliveryCount);
      if (delivery.deliveryCount < 3) await throughNest(failure)();
    });
    await w.start();
    await publisher.publish(intent());
    await waitFor(() => w.stats.acked, (acked) => acked === 1);
    expect(deliveries).toEqual([1, 2, 3]);
    expect(await deadLetters()).toHaveLength(0);
  });

  it('de-duplicates a re-published message by its event id', async () => {
    const message = intent();
    const first = await publisher.publish(message);
    const second = await publisher.publish(message);
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ ...first, duplicate: true });
    const stored = await readStoredMessages<{ id: string }>(await connector.manager$(), 'AGENTOS_EVENTS');
    expect(stored.filter((m) => m.id === message.id)).toHaveLength(1);
  });

  it('splits work between two instances sharing a durable, handling no message twice', async () => {
    const handledBy = new Map<string, string[]>();
    const record = (instance: string) => async (message: MessageOf<'IntentSubmitted'>) => {
      handledBy.set(message.id, [...(handledBy.get(message.id) ?? []), instance]);
      await new Promise((resolve) => setTimeout(resolve, 5));
    };
    const a = worker(record('a'), { concurrency: 4 });
    const b = worker(record('b'), { concurrency: 4 });
    await Promise.all([a.start(), b.start()]);
    const sent = Array.from({ length: 200 }, () => intent());
    await publisher.publishAll(sent);
    await waitFor(() => a.stats.acked + b.stats.acked, (n) => n === 200, { what: '200 acks' });
    expect(handledBy.size).toBe(200);
    expect([...handledBy.values()].every((instances) => instances.length === 1)).toBe(true);
    expect(a.stats.acked).toBeGreaterThan(0);
    expect(b.stats.acked).toBeGreaterThan(0);
  });

  it('on graceful stop finishes and acks in-flight messages; the rest go to the next instance', async () => {
    const started: string[] = [];
    const finished: string[] = [];
    const slow = async (message: MessageOf<'IntentSubmitted'>) => {
      started.push(message.id);
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished.push(message.id);
    };
    const first = worker(slow, { concurrency: 3, ackWaitMs: 1_000 });
    await first.start();
    const sent = Array.from({ length: 12 }, () => intent());
    await publisher.publishAll(sent);
    await waitFor(() => started.length, (n) => n >= 3, { what: 'handlers to start' });
    const inFlightAtStop = [...started];
    await first.stop();
    // Everything that had started was finished and acked before stop() returned.
    expect(finished).toEqual(expect.arrayContaining(inFlightAtStop));
    expect(first.stats.acked).toBe(finished.length);

    const second = worker(slow, { concurrency: 6, ackWaitMs: 1_000 });
    await second.start();
    await waitFor(() => finished.length, (n) => n >= 12, { what: 'all 12 messages', timeoutMs: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([...finished].sort()).toEqual(sent.map((m) => m.id).sort());
    expect(started).toHaveLength(12); // no message handled twice
  });
});

describe('backoffMs', () => {
  const retry = { maxDeliver: 5, initialBackoffMs: 100, maxBackoffMs: 1_000 };
  it('doubles per delivery within jitter bounds and is capped', () => {
    expect(backoffMs(1, retry, () => 0)).toBe(50);
    expect(backoffMs(1, retry, () => 1)).toBe(100);
    expect(backoffMs(3, retry, () => 1)).toBe(400);
    expect(backoffMs(10, retry, () => 1)).toBe(1_000);
    expect(backoffMs(10, retry, () => 0)).toBe(500);
  });
});
