import { EventSigner, signingKeySecretName } from '@agentos/event-store';
import { secretStoreFromEnv } from '@agentos/secrets';
import type { Logger } from 'pino';

/**
 * The service's event-signing key, from its secrets store (`SIGNING_KEY_<SERVICE>`: `agentos keys rotate <service>`
 * makes one). Without one the service still runs, but what it appends is unsigned and fails verification: the
 * warning says so at start rather than an auditor later.
 */
export async function eventSignerOf(service: string, env: NodeJS.ProcessEnv, log: Logger): Promise<EventSigner | undefined> {
  const name = signingKeySecretName(service);
  const secrets = secretStoreFromEnv(env);
  const secret = await secrets.get(name);
  if (!secret) {
    log.warn({ event: 'event-store.unsigned', secret: name, store: secrets.name }, `no signing key ${name} in ${secrets.name}: appends are not signed and will fail verification`);
    return undefined;
  }
  const signer = EventSigner.fromSecret(secret);
  log.info({ event: 'event-store.signing', keyId: signer.keyId }, `appends signed with key ${signer.keyId}`);
  return signer;
}
