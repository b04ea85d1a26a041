import { listKeys, type NatsConnector } from '@agentos/messaging';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const BUCKET = 'agentos_tenant_keys';
const DAY_MS = 86_400_000;

/**
 * What a tenant's data is, for retention (`retention: { memory: 30d, runs: 1y }`): memory values and notes, or
 * everything else recorded about its runs (inputs, outputs, tool calls, decision inputs).
 */
export const DATA_KINDS = ['memory', 'runs'] as const;
export type DataKind = (typeof DATA_KINDS)[number];

/** The kind of data an event-store stream holds: the memory service's streams hold memory, the rest runs. */
export const dataKindOf = (stream: string): DataKind => (stream.startsWith('memory-') || stream.startsWith('notes-') ? 'memory' : 'runs');

/**
 * A data key seals one tenant's data of one kind written during one period: `<tenant>.<kind>.<from>.<until>`
 * (epoch milliseconds), so retention erases a period by deleting its key, and knows from the name alone which
 * periods ended before its cut-off.
 */
export interface PeriodKey {
  tenant: string;
  kind: DataKind;
  from: number;
  until: number;
}
export const periodKeyName = (k: PeriodKey) => `${k.tenant}.${k.kind}.${k.from}.${k.until}`;
export function parsePeriodKeyName(name: string): PeriodKey | undefined {
  const [tenant, kind, from, until, ...rest] = name.split('.');
  if (rest.length > 0 || !(DATA_KINDS as readonly string[]).includes(kind) || !/^\d+$/.test(from ?? '') || !/^\d+$/.test(until ?? '')) return undefined;
  return { tenant, kind: kind as DataKind, from: Number(from), until: Number(until) };
}
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

/** A wrapped key is bound to its name (a tenant's single key of old, or a period key), so it cannot be moved to another. */
const wrapAad = (name: string) => `agentos-tenant-key/v1:${name}`;

export interface TenantKeysOptions {
  /** How long a purged or expired key may still be used from memory: a purge reaches every service within it. */
  rememberMs?: number;
  /** How long one data key seals a tenant's data of one kind: retention erases data between its age and its age plus this. */
  periodMs?: number;
}

/**
 * Tenants' data keys (AES-256), kept in the `agentos_tenant_keys` bucket wrapped by the master key (from the
 * secrets store): one per tenant, kind of data and period (`periodKeyName`), made on the first sealed write of the
 * period. `agentos tenant purge` deletes every key of a tenant and a retention pass those of periods past its
 * rule; from then on what they sealed cannot be read by anyone. Keys are remembered a few seconds, so a deletion
 * reaches every service within `rememberMs`. Histories sealed before periods existed name the tenant's one key.
 */
export class TenantKeys {
  private readonly remembered = new Map<string, { key: Buffer; until: number }>();
  private readonly rememberMs: number;
  readonly periodMs: number;

  /** `master`: the key, or how to get it (the CLI reads it only when a read needs it); undefined: none at hand. */
  constructor(private readonly connector: NatsConnector, private readonly master: Buffer | (() => Promise<Buffer | undefined>), options: TenantKeysOptions = {}) {
    this.rememberMs = options.rememberMs ?? 5_000;
    this.periodMs = options.periodMs ?? DAY_MS;
  }

  /** The key that seals the tenant's data of this kind written now, made when the period has none yet. */
  async sealingKey(tenant: string, kind: DataKind, now = Date.now()): Promise<{ name: string; key: Buffer }> {
    const from = now - (now % this.periodMs);
    const name = periodKeyName({ tenant, kind, from, until: from + this.periodMs });
    return { name, key: (await this.keyOf(name, true)) as Buffer };
  }

  private async masterKey(): Promise<Buffer | undefined> {
    const key = typeof this.master === 'function' ? await this.master() : this.master;
    if (key && key.length !== 32) throw new Error('the tenant master key must be 32 bytes');
    return key;
  }

  /** The key by its name; with `create`, made (and stored wrapped) when there is none. Undefined: none, or deleted. */
  async keyOf(name: string, create: boolean): Promise<Buffer | undefined> {
    const known = this.remembered.get(name);
    if (known && known.until > Date.now()) return known.key;
    const master = await this.masterKey();
    if (!master) {
      if (create) throw new Error(`no tenant master key: tenant data (key ${name}) cannot be sealed`);
      return undefined;
    }
    const kv = await this.connector.kv(BUCKET);
    let key = await this.unwrap(master, name, await kv.get(name));
    if (!key && create) {
      const fresh = randomBytes(32);
      // Two services may create at once: the first wins, the other reads the winner's key.
      key = await kv.create(name, JSON.stringify(sealBytes(master, wrapAad(name), fresh))).then(
        () => fresh,
        async () => this.unwrap(master, name, await kv.get(name)),
      );
    }
    // Only a key is remembered: a period without one may get it from another service any moment.
    if (key) this.remembered.set(name, { key, until: Date.now() + this.rememberMs });
    return key;
  }

  private async unwrap(master: Buffer, name: string, entry: { operation: string; string(): string } | null): Promise<Buffer | undefined> {
    if (!entry || entry.operation !== 'PUT') return undefined;
    const key = openBytes(master, wrapAad(name), JSON.parse(entry.string()) as { iv: string; tag: string; data: string });
    if (!key) throw new Error(`the data key ${name} does not open with this master key`);
    return key;
  }
}

/** Deletes every data key of a tenant for good (KV purge: no earlier revision is kept); how many there were. */
export async function purgeTenantKey(connector: NatsConnector, tenant: string): Promise<number> {
  const kv = await connector.kv(BUCKET);
  const names = [...(await listKeys(kv, tenant)), ...(await listKeys(kv, `${tenant}.>`))];
  for (const name of names) await kv.purge(name);
  return names.length;
}

/**
 * Deletes for good the tenant's keys of this kind whose period ended at or before `before` (what they sealed reads
 * [erased] from then on), and says which.
 */
export async function shredKeysBefore(connector: NatsConnector, tenant: string, kind: DataKind, before: number): Promise<PeriodKey[]> {
  const kv = await connector.kv(BUCKET);
  const expired = (await listKeys(kv, `${tenant}.${kind}.*.*`)).map(parsePeriodKeyName).filter((k): k is PeriodKey => k !== undefined && k.until <= before);
  for (const key of expired) await kv.purge(periodKeyName(key));
  return expired;
}

/** The tenants that have data keys (of old, or of any period). */
export async function tenantsWithKeys(connector: NatsConnector): Promise<string[]> {
  return [...new Set((await listKeys(await connector.kv(BUCKET))).map((name) => name.split('.')[0]))].sort();
}
