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
