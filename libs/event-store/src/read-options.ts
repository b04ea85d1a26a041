import type { ReadStreamOptions, RecordedEvent } from './port';

/** Applies revision, direction and count to a whole stream, with EventStoreDB's meaning of each. */
export function selectFromStream(records: readonly RecordedEvent[], options: ReadStreamOptions = {}): RecordedEvent[] {
  const direction = options.direction ?? 'forwards';
  const from = options.fromRevision ?? (direction === 'forwards' ? 'start' : 'end');
  const limit = options.maxCount ?? Number.POSITIVE_INFINITY;
  if (direction === 'forwards') {
    const start = from === 'start' ? 0 : from === 'end' ? records.length : from;
    return records.filter((r) => r.revision >= start).slice(0, limit);
  }
  const start = from === 'end' ? Number.POSITIVE_INFINITY : from === 'start' ? 0 : from;
  return records
    .filter((r) => r.revision <= start)
    .reverse()
    .slice(0, limit);
}
