import type { NatsConnector } from '@agentos/messaging';
import { EventStoreDbEventStore } from './eventstoredb.event-store';
import { JetStreamEventStore } from './jetstream.event-store';
import type { EventStore } from './port';
import type { EventSigner } from './signing/commit-signature';
import type { TenantDataCipher } from './tenant-data/tenant-data-cipher';

/** Injection token of the EventStore in NestJS services. */
export const EVENT_STORE = Symbol('EventStore');

/**
 * EventStoreDB when ESDB_URL (an esdb:// connection string) is set; otherwise the embedded JetStream store. With a
 * signer, every append is signed with the service's key; with a tenant-data cipher (JetStream only, so far), tenant
 * data is sealed with its tenant's key. `soleWriter`: this process is the only writer of the streams it appends to
 * (a service that runs one active replica), so it may read them from memory; replicas that write the same streams
 * must read each other's appends from the server.
 */
export function eventStoreFromEnv(env: NodeJS.ProcessEnv, connector: NatsConnector, options: { signer?: EventSigner; tenantData?: TenantDataCipher; soleWriter?: boolean } = {}): EventStore {
  return env.ESDB_URL ? EventStoreDbEventStore.fromConnectionString(env.ESDB_URL, options.signer) : new JetStreamEventStore(connector, options);
}
