import type { NatsConnector } from '@agentos/messaging';
import type { KV } from 'nats';

/**
 * The registry's KV bucket: the catalogue's instances under `<name>.<hash>` and the ownership claims
 * under `_claims.<kind>.<value>` (agent names cannot start with `_`). One bucket, so the registry's
 * NATS permissions (one bucket) cover both.
 */
export const REGISTRY_BUCKET = 'agentos_registry';

export const registryBucket = (connector: NatsConnector): Promise<KV> => connector.kv(REGISTRY_BUCKET);
