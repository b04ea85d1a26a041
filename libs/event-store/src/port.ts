import type { Envelope } from '@agentos/contracts';
import type { CommitSignature } from './signing/commit-signature';

/** As in EventStoreDB: any state, no stream yet, some stream, or an exact revision (0-based). */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

/**
 * A place in the global ($all) order. `commit` orders appends, `prepare` orders events within one
 * append; compare with comparePositions. Numbers, not bigints: 2^53 is far beyond any log here.
 */
export interface Position {
  commit: number;
  prepare: number;
}

export interface RecordedEvent {
  stream: string;
  /** 0-based place of the event in its stream. */
  revision: number;
  position: Position;
  event: Envelope;
  /** Hash of the previous event of the stream ('' for the first): the tamper-evident chain. */
  prevHash: string;
  hash: string;
  /** The event as stored, when it was read as a newer version of its type (asCurrent): what `hash` covers. */
  recorded?: Envelope;
  /** On the last event of each append made with a signing key: the writer's signature over this event's hash. */
  signature?: CommitSignature;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  nextExpectedRevision: number;
}

export interface ReadStreamOptions {
  /** Defaults: forwards from 'start', backwards from 'end'. */
  fromRevision?: number | 'start' | 'end';
  direction?: 'forwards' | 'backwards';
  maxCount?: number;
  /**
   * What the store holds now, even of a stream this process writes alone and reads from memory (JetStream store's
   * soleWriter): another process may have written it since (an orchestrator partition that moved and came back).
   */
  latest?: boolean;
}

export interface ReadAllOptions {
  /** Events strictly after this position; from the beginning when absent. */
  after?: Position;
  maxCount?: number;
}

export interface EventFilter {
  streamPrefixes?: string[];
  eventTypes?: string[];
}

export interface SubscribeOptions {
  /** Resume strictly after this position (a checkpoint); from the beginning when absent. */
  after?: Position;
  filter?: EventFilter;
}

export interface Subscription {
  /** Stops delivering; resolves once the handler of the event in hand has returned. */
  stop(): Promise<void>;
}

/**
 * The event store as services see it: every decision is appended here, so histories replay.
 * Adapters: JetStream (embedded default), EventStoreDB (production), in-memory (unit tests).
 * All pass the same contract suite (event-store.contract.spec.ts).
 */
export interface EventStore {
  /** Atomic: all events or none. Validated against the contracts; hash-chained to the stream. */
  append(stream: string, events: readonly Envelope[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * The first revision of a stream's lost tail (its newest commits deleted), or undefined when none is known lost.
   * Only stores that can tell have it; gaps before the newest event show in the revisions read.
   */
  truncatedFrom?(stream: string): Promise<number | undefined>;
  /** The names of every stream that holds events (what anchors cover). Only stores that can list them have it. */
  streamNames?(): Promise<string[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up subscription: stored events after `after`, then live ones, one at a time, in order. */
  subscribeToAll(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): Promise<Subscription>;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  constructor(readonly stream: string, readonly expected: ExpectedRevision, readonly actual: number | 'no_stream') {
    super(`stream "${stream}": expected revision ${expected}, found ${actual}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

export class InvalidEventError extends Error {
  constructor(readonly stream: string, readonly eventId: string, detail: string) {
    super(`stream "${stream}": event ${eventId} is invalid: ${detail}`);
    this.name = 'InvalidEventError';
  }
}

export class EventStoreUnavailableError extends Error {
  constructor(detail: string, cause?: unknown) {
    super(`event store unavailable: ${detail}`, { cause });
    this.name = 'EventStoreUnavailableError';
  }
}

export const comparePositions = (a: Position, b: Position): number => a.commit - b.commit || a.prepare - b.prepare;

export const matchesFilter = (filter: EventFilter | undefined, record: Pick<RecordedEvent, 'stream' | 'event'>): boolean =>
  (!filter?.streamPrefixes || filter.streamPrefixes.some((prefix) => record.stream.startsWith(prefix))) &&
  (!filter?.eventTypes || filter.eventTypes.includes(record.event.type));

/** The optimistic-concurrency check of every adapter, against the stream's last revision. */
export function checkExpectedRevision(stream: string, expected: ExpectedRevision, last: number | 'no_stream'): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && last === 'no_stream') ||
    (expected === 'stream_exists' && last !== 'no_stream') ||
    expected === last;
  if (!ok) throw new WrongExpectedRevisionError(stream, expected, last);
}
