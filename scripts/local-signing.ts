import { EventSigner, STREAM_WRITERS, issueSigningKey, listSigningKeys, publishSigningKey, signingKeySecretName } from '@agentos/event-store';
import type { NatsConnector } from '@agentos/messaging';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Local runs sign as a deployment does: each writing service's key in `<dir>/<service>.key` (0600, made on first
 * start with its public half published, as `agentos keys rotate` would), published again if the bucket lost it.
 * The audit job's key is there too (`audit.key`), for `agentos audit anchor`. Returns each service's secret
 * variable, to put in that service's environment only.
 */
export async function localSigningKeys(connector: NatsConnector, dir: string): Promise<Record<string, Record<string, string>>> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const published = new Set((await listSigningKeys(connector)).map((k) => k.keyId));
  const env: Record<string, Record<string, string>> = {};
  for (const service of Object.keys(STREAM_WRITERS)) {
    const file = join(dir, `${service}.key`);
    let secret: string;
    if (existsSync(file)) {
      secret = readFileSync(file, 'utf8').trim();
      const signer = EventSigner.fromSecret(secret);
      const publicKey = signer.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
      if (!published.has(signer.keyId)) await publishSigningKey(connector, { keyId: signer.keyId, service, publicKey, validFrom: new Date().toISOString() });
    } else {
      secret = (await issueSigningKey(connector, service)).secret;
      writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    }
    env[service] = { [`AGENTOS_SECRET_${signingKeySecretName(service)}`]: secret };
  }
  return env;
}
