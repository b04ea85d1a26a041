import type { NatsConnector } from '@agentos/messaging';
import { EventStoreDbEventStore } from './eventstoredb.event-store';
import { JetStreamEventStore } from './jetstream.event-store';
import type { EventStore } from './port';
import type { EventSigner } from './signing/commit-signature';

/** Injection token of the EventStore in NestJS services. */
export const EVENT_STORE = Symbol('EventStore');

/**
 * EventStoreDB when ESDB_URL (an esdb:// connection string) is set; otherwise the embedded JetStream store, which
 * for a service is the sole writer of the streams it appends to (each stream has one writing service). With a
 * signer, every append is signed with the service's key.
 */
export function eventStoreFromEnv(env: NodeJS.ProcessEnv, connector: NatsConnector, signer?: EventSigner): EventStore {
  return env.ESDB_URL ? EventStoreDbEventStore.fromConnectionString(env.ESDB_URL, signer) : new JetStreamEventStore(connector, { soleWriter: true, signer });
}
