import type { Envelope } from '@agentos/contracts';
import { TailMovedError, appendChained, type ChainedWriter } from './append-chained';
import {
  comparePositions,
  matchesFilter,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from './port';
import { asCurrent } from './as-current';
import { selectFromStream } from './read-options';
import type { EventSigner } from './signing/commit-signature';

/** A process-local event store for unit tests and the replay tool's scratch space. */
export class InMemoryEventStore implements EventStore {
  constructor(private readonly signer?: EventSigner) {}

  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly listeners = new Set<() => void>();

  append(stream: string, events: readonly Envelope[], options: { expectedRevision?: ExpectedRevision } = {}): Promise<AppendResult> {
    return appendChained(this.writer, stream, events, options.expectedRevision ?? 'any', this.signer);
  }

  private readonly writer: ChainedWriter<number> = {
    tail: async (stream) => {
      const last = this.streams.get(stream)?.at(-1);
      return last ? { revision: last.revision, hash: last.hash, token: last.revision } : { revision: 'no_stream', hash: '', token: -1 };
    },
    readStream: (stream, options) => this.readStream(stream, options),
    blindRepeatWindow: Number.MAX_SAFE_INTEGER,
    write: async (stream, chained, tail) => {
      const recorded = this.streams.get(stream) ?? [];
      if (recorded.length - 1 !== tail.token) throw new TailMovedError(stream);
      const commit = this.log.length + 1;
      chained.forEach(({ event, prevHash, hash, signature }, index) => {
        const record = { stream, revision: recorded.length, position: { commit, prepare: index }, event: structuredClone(event), prevHash, hash, ...(signature ? { signature } : {}) };
        recorded.push(record);
        this.log.push(record);
      });
      this.streams.set(stream, recorded);
      this.listeners.forEach((wake) => wake());
      return 'written';
    },
  };

  async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return structuredClone(selectFromStream(this.streams.get(stream) ?? [], options)).map(asCurrent);
  }

  async streamNames(): Promise<string[]> {
    return [...this.streams.keys()].sort();
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after;
    return structuredClone(this.log.filter((r) => !after || comparePositions(r.position, after) > 0).slice(0, options.maxCount)).map(asCurrent);
  }

  async subscribeToAll(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): Promise<Subscription> {
    let after = options.after;
    let stopped = false;
    let appended = 0; // appends seen; a wake-up between our read and our wait is not lost
    let wake: () => void = () => undefined;
    const listener = () => {
      appended += 1;
      wake();
    };
    this.listeners.add(listener);
    const loop = (async () => {
      while (!stopped) {
        const seen = appended;
        const batch = await this.readAll({ after });
        for (const record of batch) {
          if (stopped) return;
          if (matchesFilter(options.filter, record)) await handler(record);
          after = record.position;
        }
        // Checked and armed in one synchronous step: a stop or an append cannot fall in between.
        if (batch.length === 0 && appended === seen && !stopped) await new Promise<void>((resolve) => (wake = resolve));
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        this.listeners.delete(listener);
        wake();
        await loop;
      },
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  /** Test hook: change a stored event in place, as an attacker with disk access could. */
  tamper(stream: string, revision: number, mutate: (event: Envelope) => Envelope): void {
    const record = this.streams.get(stream)?.[revision];
    if (!record) throw new Error(`no event ${stream}@${revision}`);
    record.event = mutate(structuredClone(record.event));
  }
}
