import { SYSTEM_TENANT, isMessageType, type Envelope } from '@agentos/contracts';
import type { RecordedEvent } from '../port';
import { TENANT_DATA_FIELDS, mapField } from './tenant-data-fields';
import { openBytes, sealBytes, type TenantKeys } from './tenant-keys';

const PREFIX = 'agentos-sealed:v1:';
/** How a sealed value reads once its tenant's key is gone (`agentos tenant purge`). */
export const ERASED = '[erased]';

/** The field's place and owner are bound to its ciphertext: a sealed value cannot be moved to another event or tenant. */
const aad = (event: Envelope, where: string) => `agentos-tenant-data/v1:${event.tenant}:${event.id}:${where}`;

const sealedText = (value: unknown): string | undefined => {
  if (typeof value === 'string' && value.startsWith(PREFIX)) return value;
  if (value && typeof value === 'object' && typeof (value as { $sealed?: unknown }).$sealed === 'string') return (value as { $sealed: string }).$sealed;
  return undefined;
};

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
   * it: once the tenant's key is purged (or re-read), the record is opened afresh, or stays sealed.
   */
  private readonly openedBefore = new WeakMap<RecordedEvent, { key: Buffer; opened: RecordedEvent }>();

  constructor(private readonly keys: TenantKeys) {}

  private fieldsOf(event: Envelope): readonly string[] | undefined {
    return event.tenant !== SYSTEM_TENANT && isMessageType(event.type) ? TENANT_DATA_FIELDS[event.type] : undefined;
  }

  async seal(events: readonly Envelope[]): Promise<Envelope[]> {
    return Promise.all(
      events.map(async (event) => {
        const fields = this.fieldsOf(event);
        if (!fields) return event;
        const key = (await this.keys.keyOf(event.tenant, true)) as Buffer;
        let payload = event.payload as Record<string, unknown>;
        for (const path of fields) {
          payload = mapField(payload, path, (value, where) => {
            if (isSealed(value)) return value;
            const s = sealBytes(key, aad(event, where), Buffer.from(JSON.stringify(value), 'utf8'));
            const text = `${PREFIX}${s.iv}:${s.tag}:${s.data}`;
            return typeof value === 'string' ? text : { $sealed: text };
          });
        }
        return { ...event, payload };
      }),
    );
  }

  /** Records with their tenant data readable again; with the key purged, sealed values stay sealed (shown as [erased]). */
  async open(records: readonly RecordedEvent[]): Promise<RecordedEvent[]> {
    const opened: RecordedEvent[] = [];
    // Asked once per tenant per read: a tenant without a key (purged, or recorded in clear) is not remembered across reads.
    const keyOf = new Map<string, Promise<Buffer | undefined>>();
    for (const record of records) {
      const fields = this.fieldsOf(record.event);
      const tenant = record.event.tenant;
      if (fields && !keyOf.has(tenant)) keyOf.set(tenant, this.keys.keyOf(tenant, false));
      const key = fields && (await keyOf.get(tenant));
      if (!fields || !key) {
        opened.push(record);
        continue;
      }
      const before = this.openedBefore.get(record);
      if (before?.key === key) {
        opened.push(before.opened);
        continue;
      }
      let payload = record.event.payload as Record<string, unknown>;
      for (const path of fields) {
        payload = mapField(payload, path, (value, where) => {
          const text = sealedText(value);
          if (!text) return value;
          const [iv, tag, data] = text.slice(PREFIX.length).split(':');
          const plain = openBytes(key, aad(record.event, where), { iv, tag, data });
          return plain ? JSON.parse(plain.toString('utf8')) : value;
        });
      }
      // The stored event stays beside it: the chain hash and the signature cover the ciphertext.
      const result = { ...record, event: { ...record.event, payload }, recorded: record.recorded ?? record.event };
      this.openedBefore.set(record, { key, opened: result });
      opened.push(result);
    }
    return opened;
  }
}
