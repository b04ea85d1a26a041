import type { Envelope } from '@agentos/contracts';

/** As in EventStoreDB: any state, no stream yet, some stream, or an exact revision (0-based). */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface RecordedEvent {
  stream: string;
  /** 0-based position of the event in its stream. */
  revision: number;
  event: Envelope;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  nextExpectedRevision: number;
}

export class WrongExpectedRevisionError extends Error {
  constructor(readonly stream: string, readonly expected: ExpectedRevision, readonly actual: number | 'no_stream') {
    super(`stream "${stream}": expected revision ${expected}, found ${actual}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/**
 * The event store as the services see it. Every agent decision is appended here, so a history can
 * be replayed. Adapters: JetStream (embedded default), in-memory (unit tests).
 */
export interface EventStore {
  /** Appends atomically: all events or none. Events already in the stream (same id) are not stored twice. */
  append(stream: string, events: readonly Envelope[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult>;
  readStream(stream: string): Promise<RecordedEvent[]>;
}

/** Shared by the adapters: the optimistic-concurrency check against the stream's last revision. */
export function checkExpectedRevision(stream: string, expected: ExpectedRevision, last: number | 'no_stream'): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && last === 'no_stream') ||
    (expected === 'stream_exists' && last !== 'no_stream') ||
    expected === last;
  if (!ok) throw new WrongExpectedRevisionError(stream, expected, last);
}
