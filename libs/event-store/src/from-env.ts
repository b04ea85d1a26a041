import type { NatsConnector } from '@agentos/messaging';
import { EventStoreDbEventStore } from './eventstoredb.event-store';
import { JetStreamEventStore } from './jetstream.event-store';
import type { EventStore } from './port';
import type { EventSigner } from './signing/commit-signature';
import type { TenantDataCipher } from './tenant-data/tenant-data-cipher';

/** Injection token of the EventStore in NestJS services. */
export const EVENT_STORE = Symbol('EventStore');

/**
 * EventStoreDB when ESDB_URL (an esdb:// connection string) is set; otherwise the embedded JetStream store, which
 * for a service is the sole writer of the streams it appends to (each stream has one writing service). With a
 * signer, every append is signed with the service's key; with a tenant-data cipher (JetStream only, so far), tenant
 * data is sealed with its tenant's key.
 */
export function eventStoreFromEnv(env: NodeJS.ProcessEnv, connector: NatsConnector, keys: { signer?: EventSigner; tenantData?: TenantDataCipher } = {}): EventStore {
  return env.ESDB_URL ? EventStoreDbEventStore.fromConnectionString(env.ESDB_URL, keys.signer) : new JetStreamEventStore(connector, { soleWriter: true, ...keys });
}
