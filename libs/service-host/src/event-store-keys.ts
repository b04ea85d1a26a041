import { EventSigner, STREAM_WRITERS, TENANT_MASTER_KEY_SECRET, TenantDataCipher, TenantKeys, signingKeySecretName } from '@agentos/event-store';
import type { NatsConnector } from '@agentos/messaging';
import { parseSecretsKey, secretStoreFromEnv } from '@agentos/secrets';
import type { Logger } from 'pino';

/**
 * The service's event-store keys from its secrets store: its signing key (`SIGNING_KEY_<SERVICE>`, made by
 * `agentos keys rotate <service>`) and the tenant master key (`TENANT_MASTER_KEY`). Without a signing key the service
 * still runs, but its appends are unsigned and fail verification; without the master key tenant data is stored in
 * clear and cannot be erased by `agentos tenant purge`. Either is said at start, not found by an auditor later.
 */
export async function eventStoreKeysOf(service: string, env: NodeJS.ProcessEnv, connector: NatsConnector, log: Logger, dataKeyPeriodMs: number): Promise<{ signer?: EventSigner; tenantData?: TenantDataCipher }> {
  const secrets = secretStoreFromEnv(env);
  const name = signingKeySecretName(service);
  // A service that writes no stream (observability) needs no key.
  const writes = Object.hasOwn(STREAM_WRITERS, service);
  const signingKey = writes ? await secrets.get(name) : undefined;
  const signer = signingKey ? EventSigner.fromSecret(signingKey) : undefined;
  if (signer) log.info({ event: 'event-store.signing', keyId: signer.keyId }, `appends signed with key ${signer.keyId}`);
  else if (writes) log.warn({ event: 'event-store.unsigned', secret: name, store: secrets.name }, `no signing key ${name} in ${secrets.name}: appends are not signed and will fail verification`);
  const master = await secrets.get(TENANT_MASTER_KEY_SECRET);
  if (!master) log.warn({ event: 'event-store.tenant-data-clear', secret: TENANT_MASTER_KEY_SECRET, store: secrets.name }, `no ${TENANT_MASTER_KEY_SECRET} in ${secrets.name}: tenant data is recorded in clear`);
  const tenantData = master ? new TenantDataCipher(new TenantKeys(connector, parseSecretsKey(master, TENANT_MASTER_KEY_SECRET), { periodMs: dataKeyPeriodMs })) : undefined;
  return { signer, tenantData };
}
