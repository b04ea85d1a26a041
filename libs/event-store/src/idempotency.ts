import type { Envelope } from '@agentos/contracts';
import type { ExpectedRevision } from './port';

/** Where a repeated append would have put its first event, for expectations that pin it. */
export function repeatStart(expected: ExpectedRevision): number | undefined {
  if (typeof expected === 'number') return expected + 1;
  return expected === 'no_stream' ? 0 : undefined;
}

/**
 * EventStoreDB's idempotency: appending, at a pinned expected revision, events whose ids are
 * already the ones right after it succeeds and stores nothing. With 'any' or 'stream_exists' the
 * ids are looked for anywhere in `recorded` (the adapter decides how much of the stream that is).
 */
export function isRepeat(recorded: readonly { event: Envelope }[], events: readonly Envelope[], expected: ExpectedRevision, offset = 0): boolean {
  if (events.length === 0) return true;
  const start = repeatStart(expected);
  if (start === undefined) return events.every((e) => recorded.some((r) => r.event.id === e.id));
  return events.every((e, i) => recorded[start - offset + i]?.event.id === e.id);
}
