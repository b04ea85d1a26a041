import { DEFAULT_MAX_APPEND_SIZE } from './wire';
// The double's storage: an in-memory, append-only log with the expected-revision and
// idempotency rules of EventStoreDB's IndexWriter.CheckCommit. No gRPC in here, so the
// rules can be read (and changed) without wading through protobuf plumbing.

/** One recorded event. `position` is a global counter used as both commit and prepare position. */
export interface StoredEvent {
  readonly stream: string;
  readonly revision: bigint;
  readonly position: bigint;
  /** Lower-case UUID string, as EventStoreDB returns ids regardless of the case they were sent in. */
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  /** Mutable only so that `tamper()` can rewrite history for tamper-evidence tests. */
  data: Uint8Array;
  readonly metadata: Uint8Array;
  /** 100 ns ticks since the Unix epoch: the unit of the `created` metadata entry on the wire. */
  readonly created: bigint;
}

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export type AppendOutcome =
  /** `revision`/`position` are undefined only for an empty append to a stream that has no events. */
  | { readonly ok: true; readonly revision: bigint | undefined; readonly position: bigint | undefined }
  /** `currentRevision` undefined means the stream does not exist. */
  | { readonly ok: false; readonly currentRevision: bigint | undefined };

export type EventListener = (event: StoredEvent) => void;

const JSON_CONTENT_TYPE = 'application/json';

export class EventLog {
  /** EventStoreDB's MaxAppendSize: bytes of data, metadata and types one append may carry. */
  constructor(readonly maxAppendSize = DEFAULT_MAX_APPEND_SIZE) {}

  private readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly listeners = new Set<EventListener>();
  // Starts at 1 so that no event sits at position 0, which EventStoreDB treats as "start of $all":
  // a consumer that checkpoints the first event's position must not see it again on resubscribe.
  private nextPosition = 1n;

  /** All events in global order. */
  allEvents(): readonly StoredEvent[] {
    return this.all;
  }

  /** Events of one stream in revision order, or undefined if the stream has never been written. */
  streamEvents(stream: string): readonly StoredEvent[] | undefined {
    return this.streams.get(stream);
  }

  /** Position of the newest event, or 0 when the log is empty. */
  lastPosition(): bigint {
    return this.all.at(-1)?.position ?? 0n;
  }

  append(stream: string, expected: ExpectedRevision, proposed: readonly ProposedEvent[]): AppendOutcome {
    const existing = this.streams.get(stream) ?? [];
    const current = existing.length === 0 ? undefined : BigInt(existing.length - 1);

    const replay = idempotentReplay(existing, current, expected, proposed);
    if (replay === 'mismatch') return { ok: false, currentRevision: current };
    if (replay) return { ok: true, revision: replay.revision, position: replay.position };

    if (!satisfies(expected, current)) return { ok: false, currentRevision: current };
    if (proposed.length === 0) return { ok: true, revision: current, position: existing.at(-1)?.position };

    // Everything is validated before the first mutation and nothing here awaits, so a
    // multi-event append is atomic: either all events are stored or none.
    const created = BigInt(Date.now()) * 10_000n;
    const written = proposed.map((event, index): StoredEvent => {
      const position = this.nextPosition++;
      return { ...event, stream, revision: BigInt(existing.length + index), position, created };
    });
    existing.push(...written);
    this.streams.set(stream, existing);
    this.all.push(...written);
    for (const event of written) for (const listener of [...this.listeners]) listener(event);
    const last = written[written.length - 1];
    return { ok: true, revision: last.revision, position: last.position };
  }

  /** Registers a listener for every event appended from now on; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  tamper(stream: string, revision: number, mutate: (data: unknown) => unknown): void {
    const event = this.streams.get(stream)?.[revision];
    if (!event) throw new Error(`esdb-double: no event ${stream}@${revision} to tamper with`);
    if (event.contentType !== JSON_CONTENT_TYPE) {
      throw new Error(`esdb-double: ${stream}@${revision} is ${event.contentType}, tamper() only rewrites JSON data`);
    }
    const parsed: unknown = JSON.parse(Buffer.from(event.data).toString('utf8'));
    event.data = Buffer.from(JSON.stringify(mutate(parsed)), 'utf8');
  }
}

function satisfies(expected: ExpectedRevision, current: bigint | undefined): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === undefined;
    case 'stream_exists':
      return current !== undefined;
    default:
      return current === expected;
  }
}

/**
 * EventStoreDB's idempotency check, reduced to what an in-memory log needs:
 * - exact revision (and no_stream, i.e. revision -1) behind the stream's head: the proposed ids must
 *   equal the ids stored right after that revision; all equal = replay, anything else = wrong version;
 * - any / stream_exists: if the first proposed id is already in this stream, every proposed id must be
 *   (replay), otherwise the write is "corrupted idempotency", reported as wrong expected version.
 * Returns undefined when the append is not a replay and must go through the normal check.
 */
function idempotentReplay(
  existing: readonly StoredEvent[],
  current: bigint | undefined,
  expected: ExpectedRevision,
  proposed: readonly ProposedEvent[],
): { revision: bigint; position: bigint } | 'mismatch' | undefined {
  if (proposed.length === 0 || current === undefined) return undefined;
  const replayOf = (matched: StoredEvent[]) => {
    const last = matched[matched.length - 1];
    return { revision: last.revision, position: last.position };
  };

  if (expected === 'any' || expected === 'stream_exists') {
    const byId = new Map(existing.map((event) => [event.id, event]));
    if (!byId.has(proposed[0].id)) return undefined;
    const matched = proposed.map((event) => byId.get(event.id));
    if (!matched.every((event): event is StoredEvent => event !== undefined)) return 'mismatch';
    return replayOf(matched);
  }

  const after = expected === 'no_stream' ? -1n : expected;
  if (after >= current) return undefined;
  const matched = existing.slice(Number(after) + 1, Number(after) + 1 + proposed.length);
  const allMatch = matched.length === proposed.length && matched.every((event, i) => event.id === proposed[i].id);
  return allMatch ? replayOf(matched) : 'mismatch';
}
