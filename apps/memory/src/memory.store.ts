import type { PayloadOf, Provenance } from '@agentos/contracts';
import { isCompareAndSetRace, listKeys, type NatsConnector } from '@agentos/messaging';
import type { KV } from 'nats';

const BUCKET = 'agentos_memory';

export interface StoredValue {
  value: unknown;
  classification?: string;
  /** ISO time after which the value reads as absent (and the sweeper deletes it). */
  expiresAt: string | null;
  provenance: Provenance;
}

export type Address = PayloadOf<'GetMemory'> & { tenant: string };
export type Area = Omit<Address, 'key'>;

export type WriteOutcome = { status: 'written'; revision: number } | { status: 'conflict'; currentRevision: number };

const areaKey = ({ tenant, scope, scopeId }: Area) => `${tenant}.${scope}.${scopeId}`;
const keyOf = (address: Address) => `${areaKey(address)}.${address.key}`;
const expired = (stored: StoredValue, now: number) => stored.expiresAt !== null && Date.parse(stored.expiresAt) <= now;

/**
 * Memory in a JetStream KV bucket (file storage): it survives restarts of the service and of NATS,
 * and every instance sees the same values. The tenant is the first key segment, so no lookup can
 * cross tenants; KV revisions give compare-and-set.
 */
export class MemoryStore {
  constructor(private readonly connector: NatsConnector) {}

  private kv(): Promise<KV> {
    return this.connector.kv(BUCKET);
  }

  async get(address: Address, now = Date.now()): Promise<(StoredValue & { revision: number }) | undefined> {
    const entry = await (await this.kv()).get(keyOf(address));
    if (!entry || entry.operation !== 'PUT') return undefined;
    const stored = entry.json<StoredValue>();
    return expired(stored, now) ? undefined : { ...stored, revision: entry.revision };
  }

  /** expectedRevision: undefined writes unconditionally, 0 only if absent, n only if the value is at n. */
  async write(address: Address, stored: StoredValue, expectedRevision?: number): Promise<WriteOutcome> {
    const kv = await this.kv();
    const key = keyOf(address);
    try {
      if (expectedRevision === undefined) return { status: 'written', revision: await kv.put(key, JSON.stringify(stored)) };
      if (expectedRevision === 0) {
        // An expired value counts as absent, so it may be replaced by an "only if absent" write.
        const current = await kv.get(key);
        if (current?.operation === 'PUT' && !expired(current.json<StoredValue>(), Date.now())) return { status: 'conflict', currentRevision: current.revision };
        return { status: 'written', revision: current ? await kv.update(key, JSON.stringify(stored), current.revision) : await kv.create(key, JSON.stringify(stored)) };
      }
      return { status: 'written', revision: await kv.update(key, JSON.stringify(stored), expectedRevision) };
    } catch (error) {
      if (!isCompareAndSetRace(error)) throw error;
      return { status: 'conflict', currentRevision: (await this.get(address))?.revision ?? 0 };
    }
  }

  async delete(address: Address, expectedRevision?: number): Promise<WriteOutcome> {
    const kv = await this.kv();
    const current = await kv.get(keyOf(address));
    const currentRevision = current?.operation === 'PUT' ? current.revision : 0;
    if (expectedRevision !== undefined && expectedRevision !== currentRevision) return { status: 'conflict', currentRevision };
    await kv.delete(keyOf(address));
    return { status: 'written', revision: (await kv.get(keyOf(address)))?.revision ?? currentRevision + 1 };
  }

  async list(area: Area, prefix: string, now = Date.now()): Promise<{ key: string; revision: number; provenance: Provenance }[]> {
    const kv = await this.kv();
    const base = `${areaKey(area)}.`;
    const keys = (await listKeys(kv, `${base}>`)).filter((key) => key.slice(base.length).startsWith(prefix));
    const entries = [];
    for (const key of keys.sort()) {
      const entry = await kv.get(key);
      if (!entry || entry.operation !== 'PUT') continue;
      const stored = entry.json<StoredValue>();
      if (!expired(stored, now)) entries.push({ key: key.slice(base.length), revision: entry.revision, provenance: stored.provenance });
    }
    return entries;
  }

  /**
   * Deletes what has expired; reads already treat it as absent, this only frees the space. Each delete is
   * conditional on the revision found expired: a value written since (an expired value counts as absent, so
   * it may be replaced at once) is not lost, and of several memory replicas sweeping at once one deletes it.
   */
  async sweep(now = Date.now()): Promise<number> {
    const kv = await this.kv();
    let removed = 0;
    for (const key of await listKeys(kv)) {
      const entry = await kv.get(key);
      if (entry?.operation !== 'PUT' || !expired(entry.json<StoredValue>(), now)) continue;
      try {
        await kv.delete(key, { previousSeq: entry.revision });
        removed += 1;
      } catch (error) {
        if (!isCompareAndSetRace(error)) throw error;
      }
    }
    return removed;
  }
}
