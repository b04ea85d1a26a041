import type { NatsConnector } from '@agentos/messaging';
import { EventStoreDbEventStore } from './eventstoredb.event-store';
import { JetStreamEventStore } from './jetstream.event-store';
import type { EventStore } from './port';

/** Injection token of the EventStore in NestJS services. */
export const EVENT_STORE = Symbol('EventStore');

/** EventStoreDB when ESDB_URL (an esdb:// connection string) is set; otherwise the embedded JetStream store. */
export function eventStoreFromEnv(env: NodeJS.ProcessEnv, connector: NatsConnector): EventStore {
  return env.ESDB_URL ? EventStoreDbEventStore.fromConnectionString(env.ESDB_URL) : new JetStreamEventStore(connector);
}
