import { STREAM_WRITERS, issueSigningKey, listSigningKeys, signingKeySecretName } from '@agentos/event-store';
import { EncryptedFileSecretStore, parseSecretsKey } from '@agentos/secrets';
import type { Output } from '../output';
import type { Session } from '../session';

export interface RotateOptions {
  /** The service's encrypted secrets file (key in AGENTOS_SECRETS_KEY): the new private key is stored there. */
  secretsFile?: string;
  /** Print the private key as an environment assignment instead (for a platform that injects secrets as variables). */
  printSecret?: boolean;
}

/**
 * Issues a service's new event-signing key (as the NATS admin: only it may write the key records): publishes the
 * public key, ends its older keys' validity now, and stores the private key where the service reads it. The
 * service signs with the new key from its next start; what the old key signed before now keeps verifying.
 */
export async function keysRotate(session: Session, service: string, options: RotateOptions, out: Output): Promise<number> {
  if (!Object.hasOwn(STREAM_WRITERS, service)) throw new Error(`"${service}" writes no event-store streams; one of: ${Object.keys(STREAM_WRITERS).join(', ')}`);
  const secretsFile = options.secretsFile ?? process.env.AGENTOS_SECRETS_FILE;
  if (!secretsFile && !options.printSecret) throw new Error('give --secrets-file <file> (with AGENTOS_SECRETS_KEY) to store the private key, or --print-secret');
  const store = secretsFile ? EncryptedFileSecretStore.open(secretsFile, parseSecretsKey(process.env.AGENTOS_SECRETS_KEY)) : undefined;
  const { secret, record, retired } = await issueSigningKey(session.connector, service);
  const name = signingKeySecretName(service);
  if (store) await store.put(name, secret);
  out.data({ published: record, retired, secret: store ? { file: secretsFile, name } : undefined });
  out.line(`published key ${record.keyId} of ${service}, valid from ${record.validFrom}`);
  for (const old of retired) out.line(`retired   key ${old.keyId} of ${service}, valid until ${old.validUntil}`);
  if (store) out.line(`private key stored as ${name} in ${secretsFile}; restart ${service} to sign with it`);
  else out.line(`AGENTOS_SECRET_${name}=${secret}`);
  return 0;
}

export async function keysList(session: Session, out: Output): Promise<number> {
  const records = await listSigningKeys(session.connector);
  out.data(records);
  for (const r of records) out.line(`${r.keyId}  ${r.service.padEnd(12)} ${r.validFrom} → ${r.validUntil ?? 'now'}`);
  if (records.length === 0) out.line('no signing keys published: run `agentos keys rotate <service>` as the admin');
  return 0;
}
