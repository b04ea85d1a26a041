import { SYSTEM_TENANT, isMessageType, type Envelope } from '@agentos/contracts';
import type { RecordedEvent } from '../port';
import { TENANT_DATA_FIELDS, mapField } from './tenant-data-fields';
import { dataKindOf, openBytes, sealBytes, type TenantKeys } from './tenant-keys';

/** v1: sealed with the tenant's one key (`<iv>:<tag>:<data>`); v2: with a period key it names (`<kind.from.until>:<iv>:<tag>:<data>`). */
const PREFIX = 'agentos-sealed:';
const V1 = `${PREFIX}v1:`;
const V2 = `${PREFIX}v2:`;
/** How a sealed value reads once its tenant's key is gone (`agentos tenant purge`). */
export const ERASED = '[erased]';

/** The field's place and owner are bound to its ciphertext: a sealed value cannot be moved to another event or tenant. */
const aad = (event: Envelope, where: string) => `agentos-tenant-data/v1:${event.tenant}:${event.id}:${where}`;

const sealedText = (value: unknown): string | undefined => {
  if (typeof value === 'string' && value.startsWith(PREFIX)) return value;
  if (value && typeof value === 'object' && typeof (value as { $sealed?: unknown }).$sealed === 'string') return (value as { $sealed: string }).$sealed;
  return undefined;
};

interface SealedValue {
  keyName: string;
  iv: string;
  tag: string;
  data: string;
}

/** A sealed value's parts and the name of the key that opens it; undefined for a value not sealed (in clear). */
function parseSealed(tenant: string, value: unknown): SealedValue | undefined {
  const text = sealedText(value);
  if (text?.startsWith(V2)) {
    const [ref, iv, tag, data] = text.slice(V2.length).split(':');
    return { keyName: `${tenant}.${ref}`, iv, tag, data };
  }
  if (text?.startsWith(V1)) {
    const [iv, tag, data] = text.slice(V1.length).split(':');
    return { keyName: tenant, iv, tag, data };
  }
  return undefined;
}

/** The sealed values of an event's tenant-data fields, in field order. */
function sealedValuesOf(event: Envelope, fields: readonly string[]): SealedValue[] {
  const found: SealedValue[] = [];
  for (const path of fields) {
    mapField(event.payload as Record<string, unknown>, path, (value) => {
      const sealed = parseSealed(event.tenant, value);
      if (sealed) found.push(sealed);
      return value;
    });
  }
  return found;
}

/**
 * True when an event still holds sealed tenant data (its key deleted, or none at hand): its contract describes the
 * data, which reads [erased] now, so such an event is not checked against it (its chain and signature still are).
 */
export function holdsSealedData(event: Envelope): boolean {
  const fields = isMessageType(event.type) ? TENANT_DATA_FIELDS[event.type] : undefined;
  return fields !== undefined && sealedValuesOf(event, fields).length > 0;
}

/** True for a value still sealed: shown as [erased] when its tenant's key was purged. */
export const isSealed = (value: unknown): boolean => sealedText(value) !== undefined;

/** A JSON.stringify replacer that shows what is still sealed (its tenant purged, or no key at hand) as [erased]. */
export const erasedAsText = (_key: string, value: unknown): unknown => (isSealed(value) ? ERASED : value);

/**
 * Seals a tenant's data in events before they are chained and signed (so the chain and the signatures cover the
 * ciphertext), and opens it on reads. The platform's own events (tenant `system`) hold no tenant data.
 */
export class TenantDataCipher {
  /**
   * Records already opened, by the stored record (which the store's cache keeps): a writer re-reads its stream for
   * every decision, and must not decrypt the whole run each time. Valid only with the very key object that opened
   * it: once a key is deleted (or re-read), the record is opened afresh, or stays sealed.
   */
  private readonly openedBefore = new WeakMap<RecordedEvent, { keys: (Buffer | undefined)[]; opened: RecordedEvent }>();

  constructor(private readonly keys: TenantKeys) {}

  private fieldsOf(event: Envelope): readonly string[] | undefined {
    return event.tenant !== SYSTEM_TENANT && isMessageType(event.type) ? TENANT_DATA_FIELDS[event.type] : undefined;
  }

  /** Seals the tenant data of events appended to `stream`, with the key of the stream's kind of data and of this period. */
  async seal(events: readonly Envelope[], stream: string): Promise<Envelope[]> {
    const kind = dataKindOf(stream);
    return Promise.all(
      events.map(async (event) => {
        const fields = this.fieldsOf(event);
        if (!fields) return event;
        const { name, key } = await this.keys.sealingKey(event.tenant, kind);
        const ref = name.slice(event.tenant.length + 1);
        let payload = event.payload as Record<string, unknown>;
        for (const path of fields) {
          payload = mapField(payload, path, (value, where) => {
            if (isSealed(value)) return value;
            const s = sealBytes(key, aad(event, where), Buffer.from(JSON.stringify(value), 'utf8'));
            const text = `${V2}${ref}:${s.iv}:${s.tag}:${s.data}`;
            return typeof value === 'string' ? text : { $sealed: text };
          });
        }
        return { ...event, payload };
      }),
    );
  }

  /** Records with their tenant data readable again; where a key was deleted, sealed values stay sealed (shown as [erased]). */
  async open(records: readonly RecordedEvent[]): Promise<RecordedEvent[]> {
    const opened: RecordedEvent[] = [];
    // Asked once per key per read: a key that is missing (deleted, or never made) is not remembered across reads.
    const keyNamed = new Map<string, Promise<Buffer | undefined>>();
    const keyOf = (name: string) => {
      if (!keyNamed.has(name)) keyNamed.set(name, this.keys.keyOf(name, false));
      return keyNamed.get(name) as Promise<Buffer | undefined>;
    };
    for (const record of records) {
      const fields = this.fieldsOf(record.event);
      const sealed = fields ? sealedValuesOf(record.event, fields) : [];
      const keys = await Promise.all(sealed.map((value) => keyOf(value.keyName)));
      if (!keys.some(Boolean)) {
        opened.push(record);
        continue;
      }
      const before = this.openedBefore.get(record);
      if (before && before.keys.every((key, i) => key === keys[i])) {
        opened.push(before.opened);
        continue;
      }
      let payload = record.event.payload as Record<string, unknown>;
      let i = 0;
      for (const path of fields as readonly string[]) {
        payload = mapField(payload, path, (value, where) => {
          if (!parseSealed(record.event.tenant, value)) return value;
          const { iv, tag, data } = sealed[i];
          const key = keys[i++];
          const plain = key && openBytes(key, aad(record.event, where), { iv, tag, data });
          return plain ? JSON.parse(plain.toString('utf8')) : value;
        });
      }
      // The stored event stays beside it: the chain hash and the signature cover the ciphertext.
      const result = { ...record, event: { ...record.event, payload }, recorded: record.recorded ?? record.event };
      this.openedBefore.set(record, { keys, opened: result });
      opened.push(result);
    }
    return opened;
  }
}
