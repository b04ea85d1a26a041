import type { RecordedEvent } from '@agentos/event-store';

/**
 * The revisions a history lacks, e.g. `0..2, 7..` (7.. : from 7 on, the tail): the gaps between the revisions
 * read, and the lost tail a store reported (`tailFrom`). Undefined when the history is whole as far as can be told.
 */
export function missingRevisions(records: readonly RecordedEvent[], tailFrom?: number): string | undefined {
  const ranges: string[] = [];
  let expected = 0;
  for (const { revision } of records) {
    if (revision > expected) ranges.push(revision - 1 === expected ? String(expected) : `${expected}..${revision - 1}`);
    expected = revision + 1;
  }
  if (tailFrom !== undefined && tailFrom >= expected) ranges.push(`${tailFrom}..`);
  return ranges.length > 0 ? ranges.join(', ') : undefined;
}
