import type { NatsConnector } from '@agentos/messaging';
import { EventStoreDbEventStore } from './eventstoredb.event-store';
import { JetStreamEventStore } from './jetstream.event-store';
import type { EventStore } from './port';

/** Injection token of the EventStore in NestJS services. */
export const EVENT_STORE = Symbol('EventStore');

/**
 * EventStoreDB when ESDB_URL (an esdb:// connection string) is set; otherwise the embedded JetStream store, which
 * for a service is the sole writer of the streams it appends to (each stream has one writing service).
 */
export function eventStoreFromEnv(env: NodeJS.ProcessEnv, connector: NatsConnector): EventStore {
  return env.ESDB_URL ? EventStoreDbEventStore.fromConnectionString(env.ESDB_URL) : new JetStreamEventStore(connector, { soleWriter: true });
}
