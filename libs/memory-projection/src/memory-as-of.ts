import type { Envelope, MessageOf, Provenance } from '@agentos/contracts';

export interface RememberedValue {
  value: unknown;
  revision: number;
  provenance: Provenance;
}

/**
 * A scope's memory as it was at a past moment, rebuilt from its recorded MemoryWritten and
 * MemoryDeleted events (the memory-<tenant>.<scope>.<id> stream): for replay and incident analysis.
 * `until` is an ISO time; events after it are ignored. Expiry is applied as of that moment too.
 */
export function memoryAsOf(events: readonly Envelope[], until?: string): Map<string, RememberedValue> {
  const limit = until === undefined ? Number.POSITIVE_INFINITY : Date.parse(until);
  const memory = new Map<string, RememberedValue & { expiresAt: string | null }>();
  for (const event of events) {
    if (Date.parse(event.occurredAt) > limit) break;
    if (event.type === 'MemoryWritten') {
      const { key, value, revision, provenance, expiresAt } = (event as MessageOf<'MemoryWritten'>).payload;
      memory.set(key, { value, revision, provenance, expiresAt });
    } else if (event.type === 'MemoryDeleted') {
      memory.delete((event as MessageOf<'MemoryDeleted'>).payload.key);
    }
  }
  const now = until === undefined ? Date.now() : limit;
  return new Map(
    [...memory].filter(([, v]) => v.expiresAt === null || Date.parse(v.expiresAt) > now).map(([key, { value, revision, provenance }]) => [key, { value, revision, provenance }]),
  );
}
