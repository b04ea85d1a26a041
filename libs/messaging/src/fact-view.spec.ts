import { createMessage, newId, subjectOf, type MessageOf } from '@agentos/contracts';
import { readStoredMessages, startNatsServer, waitFor, type NatsServerHandle } from '@agentos/testing';
import { bootstrapTopology } from './bootstrap';
import { NatsConnector } from './connection';
import { FactView } from './fact-view';
import { MessagePublisher } from './publisher';

const origin = { tenant: 'acme', actor: { kind: 'service' as const, id: 'orchestrator' } };
const submitted = (goal: string) => createMessage('IntentSubmitted', { intentId: newId(), goal, capability: 'summarise', input: {} }, origin);

describe('FactView on a real nats-server', () => {
  let nats: NatsServerHandle;
  let connector: NatsConnector;
  let publisher: MessagePublisher;

  beforeAll(async () => {
    nats = await startNatsServer();
    connector = new NatsConnector({ servers: nats.url, name: 'fact-view-spec' });
    await bootstrapTopology(connector);
    publisher = new MessagePublisher(connector);
  });

  afterAll(async () => {
    await connector.close();
    await nats.stop();
  });

  it('sees every fact from the start of the stream in order, acknowledges nothing, parks the invalid ones, and goes on across a server restart', async () => {
    const before = [submitted('one'), submitted('two')];
    for (const fact of before) await publisher.publish(fact);
    // Invalid: not JSON, and a valid envelope forged onto another sender's subject.
    const js = await connector.jetstream();
    const junk = await js.publish(subjectOf(before[0]), Buffer.from('not json'));
    const forged = { ...submitted('forged'), tenant: 'other' };
    const mismatched = await js.publish(subjectOf(before[0]), Buffer.from(JSON.stringify(forged)));

    const seen: string[] = [];
    const view = new FactView(connector, publisher, { service: 'viewer', type: 'IntentSubmitted', onFact: (fact) => void seen.push(fact.payload.goal) });
    await view.start();
    await waitFor(() => seen, (goals) => goals.length === 2, { what: 'the facts published before the view started' });
    expect(seen).toEqual(['one', 'two']);

    // Nothing waits for an acknowledgement: the view's consumer is an ordered one, named after the service.
    const consumers = await (await connector.manager$()).consumers.list('AGENTOS_EVENTS').next();
    const mine = consumers.find((c) => c.name.startsWith('viewer-view-'));
    expect(mine?.config).toMatchObject({ ack_policy: 'none', filter_subject: 'agentos.evt.intent.submitted.*.*' });
    expect(mine?.config.durable_name).toBeUndefined();

    const letters = await waitFor(
      async () => (await readStoredMessages<MessageOf<'MessageDeadLettered'>>(await connector.manager$(), 'AGENTOS_DEAD_LETTERS')).filter((l) => l.payload.service === 'viewer'),
      (found) => found.length === 2,
      { what: 'the two invalid facts parked' },
    );
    expect(letters.map((l) => [l.payload.consumer, l.payload.streamSequence, l.payload.reason]).sort()).toEqual(
      [['viewer-IntentSubmitted', junk.seq, 'invalid-message'], ['viewer-IntentSubmitted', mismatched.seq, 'invalid-message']].sort(),
    );
    expect(view.skipped).toBe(2);

    // The server restarts (its ephemeral consumers are gone): the view picks up after the last fact it saw, none twice.
    await nats.kill();
    await nats.restart();
    await waitFor(() => publisher.publish(submitted('three')).then(() => true, () => false), (published) => published, { what: 'a publish after the restart', timeoutMs: 20_000 });
    await publisher.publish(submitted('four'));
    await waitFor(() => seen, (goals) => goals.length >= 4, { what: 'the facts published after the restart', timeoutMs: 30_000 });
    expect(seen).toEqual(['one', 'two', 'three', 'four']);

    // nats.js ends a consumer on an error it does not recover from (stood in for here): the view opens again and goes
    // on from the fact after the last it saw, rather than freezing with the process still up.
    (view as unknown as { messages: { stop(error?: Error): void } }).messages.stop(new Error('a pull refused'));
    await publisher.publish(submitted('five'));
    await waitFor(() => seen, (goals) => goals.length >= 5, { what: 'a fact published after the view ended', timeoutMs: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(seen).toEqual(['one', 'two', 'three', 'four', 'five']);
    await view.stop();
    await publisher.publish(submitted('six'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(seen).toHaveLength(5);
  }, 60_000);
});
