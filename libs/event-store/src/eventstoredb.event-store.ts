import type { Envelope } from '@agentos/contracts';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
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
import { retryTransient } from './retry';
import type { CommitSignature, EventSigner } from './signing/commit-signature';

/** What AgentOS keeps in an EventStoreDB event's metadata: its link in the stream's hash chain. */
interface ChainMetadata {
  prevHash: string;
  hash: string;
  signature?: CommitSignature;
}

const isTransient = (error: unknown) => error instanceof UnavailableError || /unavailable|ECONNREFUSED|deadline/i.test(String((error as Error)?.message));

function toRecord(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const stored = resolved.event;
  if (!stored || stored.isJson !== true || stored.streamId.startsWith('$')) return undefined;
  const metadata = stored.metadata as unknown as Partial<ChainMetadata> | undefined;
  const commit = Number(resolved.commitPosition ?? stored.position?.commit ?? 0n);
  const prepare = Number(stored.position?.prepare ?? commit);
  return asCurrent({
    stream: stored.streamId,
    revision: Number(stored.revision),
    position: { commit, prepare },
    event: stored.data as unknown as Envelope,
    prevHash: metadata?.prevHash ?? '',
    hash: metadata?.hash ?? '',
    ...(metadata?.signature ? { signature: metadata.signature } : {}),
  });
}

/**
 * The production event store: EventStoreDB through its official gRPC client, mapped one to one
 * (appendToStream, readStream, readAll, subscribeToAll). The envelope is the event's JSON data,
 * its event id is the EventStoreDB event id, and the hash-chain link travels in the metadata.
 */
export class EventStoreDbEventStore implements EventStore {
  constructor(private readonly client: EventStoreDBClient, private readonly retryAttempts = 5, private readonly signer?: EventSigner) {}

  static fromConnectionString(connectionString: string, signer?: EventSigner): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString), 5, signer);
  }

  private retrying<T>(what: string, operation: () => Promise<T>): Promise<T> {
    return retryTransient(what, operation, { attempts: this.retryAttempts, initialDelayMs: 200, isTransient });
  }

  private readonly writer: ChainedWriter<bigint | typeof NO_STREAM> = {
    tail: async (stream) => {
      const [last] = await this.readStream(stream, { direction: 'backwards', maxCount: 1 });
      return last ? { revision: last.revision, hash: last.hash, token: BigInt(last.revision) } : { revision: 'no_stream', hash: '', token: NO_STREAM };
    },
    readStream: (stream, options) => this.readStream(stream, options),
    // EventStoreDB reads a stream's end cheaply; as it does itself for expected-any appends.
    blindRepeatWindow: 100,
    write: async (stream, chained, tail) => {
      const events = chained.map(({ event, prevHash, hash, signature }) =>
        jsonEvent({ id: event.id, type: event.type, data: JSON.parse(JSON.stringify(event)), metadata: { prevHash, hash, ...(signature ? { signature } : {}) } satisfies ChainMetadata }),
      );
      try {
        await this.client.appendToStream(stream, events, { expectedRevision: tail.token });
        return 'written';
      } catch (error) {
        if (error instanceof WrongExpectedVersionError) throw new TailMovedError(stream);
        throw error;
      }
    },
  };

  append(stream: string, events: readonly Envelope[], options: { expectedRevision?: ExpectedRevision } = {}): Promise<AppendResult> {
    return this.retrying(`append to ${stream}`, () => appendChained(this.writer, stream, events, options.expectedRevision ?? 'any', this.signer));
  }

  readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const direction = options.direction ?? 'forwards';
    const from = options.fromRevision ?? (direction === 'forwards' ? 'start' : 'end');
    return this.retrying(`read ${stream}`, async () => {
      const records: RecordedEvent[] = [];
      try {
        for await (const resolved of this.client.readStream(stream, {
          direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
          fromRevision: from === 'start' ? START : from === 'end' ? END : BigInt(from),
          maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
        })) {
          const record = toRecord(resolved);
          if (record) records.push(record);
        }
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }
      return records;
    });
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after;
    return this.retrying('read $all', async () => {
      const records: RecordedEvent[] = [];
      const fromPosition = after ? { commit: BigInt(after.commit), prepare: BigInt(after.prepare) } : START;
      for await (const resolved of this.client.readAll({ fromPosition, direction: FORWARDS, maxCount: Number.MAX_SAFE_INTEGER })) {
        const record = toRecord(resolved);
        // EventStoreDB reads $all from a position inclusively; the port reads strictly after it.
        if (!record || (after && comparePositions(record.position, after) <= 0)) continue;
        records.push(record);
        if (options.maxCount !== undefined && records.length >= options.maxCount) break;
      }
      return records;
    });
  }

  async subscribeToAll(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): Promise<Subscription> {
    const after = options.after;
    const prefixes = options.filter?.streamPrefixes;
    const subscription = this.client.subscribeToAll({
      fromPosition: after ? { commit: BigInt(after.commit), prepare: BigInt(after.prepare) } : START,
      // The server filters by stream prefix; event types are filtered here, after it.
      ...(prefixes ? { filter: streamNameFilter({ prefixes }) } : {}),
    });
    let stopped = false;
    const loop = (async () => {
      for await (const resolved of subscription) {
        if (stopped) return;
        const record = toRecord(resolved);
        if (!record || (after && comparePositions(record.position, after) <= 0) || !matchesFilter(options.filter, record)) continue;
        await handler(record);
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        await subscription.unsubscribe();
        await loop.catch(() => undefined);
      },
    };
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}
