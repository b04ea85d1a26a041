import { readValues, type NatsConnector } from '@agentos/messaging';
import { generateSigningKey } from './commit-signature';
import { KeyRing, SigningKeyRecord } from './signing-keys';

const BUCKET = 'agentos_signing_keys';

/** Every published signing key, as a key ring (a record that fails its schema is an error, not skipped). */
export async function readKeyRing(connector: NatsConnector): Promise<KeyRing> {
  return new KeyRing(await listSigningKeys(connector));
}

export async function listSigningKeys(connector: NatsConnector): Promise<SigningKeyRecord[]> {
  const kv = await connector.kv(BUCKET);
  const records = await readValues(kv, (value) => SigningKeyRecord.parse(value));
  return records.sort((a, b) => a.validFrom.localeCompare(b.validFrom));
}

/**
 * Publishes a service's new key and ends the validity of its keys before it, at the new key's start: the old
 * ones still verify what they signed until then. The admin's path (`agentos keys rotate`); no service may write here.
 */
export async function publishSigningKey(connector: NatsConnector, record: SigningKeyRecord): Promise<SigningKeyRecord[]> {
  const kv = await connector.kv(BUCKET);
  const retired: SigningKeyRecord[] = [];
  for (const old of await listSigningKeys(connector)) {
    if (old.service !== record.service || old.validUntil !== undefined || old.keyId === record.keyId) continue;
    const ended = { ...old, validUntil: record.validFrom };
    await kv.put(old.keyId, JSON.stringify(ended));
    retired.push(ended);
  }
  await kv.put(record.keyId, JSON.stringify(SigningKeyRecord.parse(record)));
  return retired;
}

/** A new key pair for a service, its public half published (its older keys retired); the private half is the caller's to store. */
export async function issueSigningKey(connector: NatsConnector, service: string, now = new Date()): Promise<{ secret: string; record: SigningKeyRecord; retired: SigningKeyRecord[] }> {
  const made = generateSigningKey();
  const record: SigningKeyRecord = { keyId: made.keyId, service, publicKey: made.publicKey, validFrom: now.toISOString() };
  const retired = await publishSigningKey(connector, record);
  return { secret: made.secret, record, retired };
}
