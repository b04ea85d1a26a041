import type { NatsConnector } from '@agentos/messaging';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const BUCKET = 'agentos_tenant_keys';
/** The secret holding the master key that wraps every tenant's data key. */
export const TENANT_MASTER_KEY_SECRET = 'TENANT_MASTER_KEY';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM with the purpose and the owner bound as associated data: a ciphertext opens only where it was made for. */
export function sealBytes(key: Buffer, aad: string, plain: Buffer): { iv: string; tag: string; data: string } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

/** The plaintext, or undefined when the key, the associated data or the ciphertext is not the one sealed. */
export function openBytes(key: Buffer, aad: string, sealed: { iv: string; tag: string; data: string }): Buffer | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
  } catch {
    return undefined;
  }
}

const wrapAad = (tenant: string) => `agentos-tenant-key/v1:${tenant}`;

/**
 * Each tenant's data key (AES-256), kept in the `agentos_tenant_keys` bucket wrapped by the master key (from the
 * secrets store). Created on the tenant's first sealed write; `agentos tenant purge` deletes it, and from then on
 * what it sealed cannot be read by anyone. Keys are remembered a few seconds, so a purge reaches every service
 * within `rememberMs`.
 */
export class TenantKeys {
  private readonly remembered = new Map<string, { key: Buffer; until: number }>();

  /** `master`: the key, or how to get it (the CLI reads it only when a read needs it); undefined: none at hand. */
  constructor(private readonly connector: NatsConnector, private readonly master: Buffer | (() => Promise<Buffer | undefined>), private readonly rememberMs = 5_000) {}

  private async masterKey(): Promise<Buffer | undefined> {
    const key = typeof this.master === 'function' ? await this.master() : this.master;
    if (key && key.length !== 32) throw new Error('the tenant master key must be 32 bytes');
    return key;
  }

  /** The tenant's key; with `create`, made (and stored wrapped) when it has none. Undefined: none, or purged. */
  async keyOf(tenant: string, create: boolean): Promise<Buffer | undefined> {
    const known = this.remembered.get(tenant);
    if (known && known.until > Date.now()) return known.key;
    const master = await this.masterKey();
    if (!master) {
      if (create) throw new Error(`no tenant master key: tenant ${tenant}'s data cannot be sealed`);
      return undefined;
    }
    const kv = await this.connector.kv(BUCKET);
    let key = await this.unwrap(master, tenant, await kv.get(tenant));
    if (!key && create) {
      const fresh = randomBytes(32);
      // Two services may create at once: the first wins, the other reads the winner's key.
      key = await kv.create(tenant, JSON.stringify(sealBytes(master, wrapAad(tenant), fresh))).then(
        () => fresh,
        async () => this.unwrap(master, tenant, await kv.get(tenant)),
      );
    }
    // Only a key is remembered: a tenant without one may get it from another service any moment.
    if (key) this.remembered.set(tenant, { key, until: Date.now() + this.rememberMs });
    return key;
  }

  private async unwrap(master: Buffer, tenant: string, entry: { operation: string; string(): string } | null): Promise<Buffer | undefined> {
    if (!entry || entry.operation !== 'PUT') return undefined;
    const key = openBytes(master, wrapAad(tenant), JSON.parse(entry.string()) as { iv: string; tag: string; data: string });
    if (!key) throw new Error(`the data key of tenant ${tenant} does not open with this master key`);
    return key;
  }
}

/** Deletes a tenant's data key for good (KV purge: no earlier revision is kept). */
export async function purgeTenantKey(connector: NatsConnector, tenant: string): Promise<void> {
  await (await connector.kv(BUCKET)).purge(tenant);
}
