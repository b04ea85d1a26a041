import type { Envelope } from '@agentos/contracts';
import { EVENT_STORE_STREAM, EVENT_STORE_SUBJECT_PREFIX, KeyedSerial, Lazy, eventStoreStreamSettings, requireStream, type NatsConnector } from '@agentos/messaging';
import { DeliverPolicy, headers, type JsMsg, type MsgRequest, type OrderedConsumerOptions } from 'nats';
import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import { TailMovedError, appendChained, type ChainedWriter } from './append-chained';
import { asCurrent } from './as-current';
import { eventHash, type ChainedEvent } from './hash-chain';
import type { EventSigner } from './signing/commit-signature';
import type { TenantDataCipher } from './tenant-data/tenant-data-cipher';
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
import { selectFromStream } from './read-options';
import { retryTransient } from './retry';

export { EVENT_STORE_STREAM };
const SUBJECT_PREFIX = EVENT_STORE_SUBJECT_PREFIX;
const LAST_REVISION = 'AgentOS-Last-Revision';
const LAST_HASH = 'AgentOS-Last-Hash';
/** Commits asked for per pull of a scan: a whole log is read in few round trips, a short stream in one. */
const SCAN_BATCH = 5_000;
/** A scan that received nothing for this long has stalled. */
const SCAN_STALL_MS = 10_000;

/** Event-store stream names become one subject token each, whatever characters they hold. */
const subjectFor = (stream: string) => `${SUBJECT_PREFIX}.${Buffer.from(stream).toString('base64url')}`;
const streamOf = (subject: string) => Buffer.from(subject.slice(SUBJECT_PREFIX.length + 1), 'base64url').toString();

/** One JetStream message per append: the unit of atomicity. */
interface Commit {
  firstRevision: number;
  events: ChainedEvent[];
}

interface LastCommit {
  seq: number;
  revision: number;
  hash: string;
  /** The stream's newest commit was deleted: this is the newest one left. */
  truncated?: boolean;
}

/**
 * A read went to a replica that has not applied the newest commit yet. On a cluster the ephemeral
 * consumer of a read may sit on any replica, e.g. one catching up after a restart; asked again, it
 * (or another) has it.
 */
class ReplicaBehindError extends Error {
  constructor(read: string, seen: number, newest: number) {
    super(`${read} reached commit ${seen} of ${newest}: its replica is behind`);
  }
}

const TRANSIENT = /timeout|no responders|connection closed|disconnect|connection refused|503/i;
const isTransient = (error: unknown) => error instanceof ReplicaBehindError || TRANSIENT.test(`${(error as { code?: string })?.code ?? ''} ${(error as Error)?.message ?? ''}`);

const recordsOf = (message: JsMsg): RecordedEvent[] => commitRecords(streamOf(message.subject), message.seq, JSON.parse(Buffer.from(message.data).toString('utf8')) as Commit);

function commitRecords(stream: string, seq: number, commit: Commit): RecordedEvent[] {
  return commit.events.map(({ event, prevHash, hash, signature }, index) => asCurrent({
    stream,
    revision: commit.firstRevision + index,
    position: { commit: seq, prepare: index },
    event,
    prevHash,
    hash,
    ...(signature ? { signature } : {}),
  }));
}

export interface JetStreamEventStoreOptions {
  retryAttempts?: number;
  /** How many streams' records are kept in memory, so a re-read fetches only new commits (default 1,000). */
  cachedStreams?: number;
  /**
   * This store is the only writer of the streams it appends to (a service writing its own records, the
   * orchestrator its runs): it reads them from memory instead of asking the server for a newer commit first.
   */
  soleWriter?: boolean;
  /** Signs each append with this service's key (libs/event-store/src/signing); unsigned without. */
  signer?: EventSigner;
  /** Seals tenant data in what it appends and opens it in what it reads (crypto-shredding); stored as given without. */
  tenantData?: TenantDataCipher;
}

/**
 * The embedded default event store, on the JetStream that AgentOS runs on anyway: one JetStream
 * stream, one subject per event-store stream, one message per append (atomic). Optimistic
 * concurrency rides on the expected-last-subject-sequence header; $all order is stream sequence.
 */
export class JetStreamEventStore implements EventStore {
  private readonly ready = new Lazy(async () => {
    const jsm = await this.connector.manager$();
    const settings = eventStoreStreamSettings({ replicas: this.connector.settings.replicas });
    await requireStream(jsm, { settings, create: () => jsm.streams.add(settings) }, this.connector.log);
  });

  private readonly perStream = new KeyedSerial();

  /**
   * Streams read or written lately, with the sequence of their newest commit then (`writtenHere` once this store
   * appended to it). Records are never changed once stored.
   */
  private readonly recent: LRUCache<string, { seq: number; records: RecordedEvent[]; writtenHere?: boolean }>;

  constructor(private readonly connector: NatsConnector, private readonly options: JetStreamEventStoreOptions = {}) {
    this.recent = new LRUCache({ max: options.cachedStreams ?? 1_000 });
  }

  private init(): Promise<void> {
    return this.ready.get();
  }

  private retrying<T>(what: string, operation: () => Promise<T>): Promise<T> {
    return retryTransient(what, operation, { attempts: this.options.retryAttempts ?? 5, initialDelayMs: 100, isTransient });
  }

  /**
   * Appends to one stream go one at a time from this store. Beyond sparing optimistic-concurrency retries, that
   * keeps the chain whole on a nats-server 2.9 cluster, whose leader lets two concurrent publishes expecting the
   * same last subject sequence both through (nats-server#4320, fixed in 2.10): so one writer per stream.
   */
  append(stream: string, events: readonly Envelope[], options: { expectedRevision?: ExpectedRevision } = {}): Promise<AppendResult> {
    return this.perStream.run(stream, () => this.retrying(`append to ${stream}`, () => this.appendOnce(stream, events, options.expectedRevision ?? 'any')));
  }

  private async appendOnce(stream: string, events: readonly Envelope[], expected: ExpectedRevision): Promise<AppendResult> {
    await this.init();
    const { tenantData } = this.options;
    return appendChained(this.writer, stream, events, expected, this.options.signer, tenantData && ((plain) => tenantData.seal(plain, stream)));
  }

  /** The JetStream storage steps: the tail is the subject's last message, a write is one publish. */
  private readonly writer: ChainedWriter<number> = {
    // What this store last read or wrote of the stream, else the server's last commit. A remembered tail that is
    // no longer the last costs nothing but a refused write: the expected-last-subject-sequence guards every write.
    // A first write is written as after nothing, with no look-up: the server refuses it if the stream exists.
    tail: async (stream, firstWrite) => {
      const last = this.rememberedTail(stream) ?? (firstWrite ? undefined : await this.lastCommit(stream));
      return last ? { revision: last.revision, hash: last.hash, token: last.seq } : { revision: 'no_stream', hash: '', token: 0 };
    },
    readStream: (stream, options) => this.readStream(stream, options),
    // Reading a subject backwards means scanning it; JetStream's duplicate window does this job.
    blindRepeatWindow: 0,
    write: async (stream, chained, tail) => {
      const firstRevision = tail.revision === 'no_stream' ? 0 : tail.revision + 1;
      const h = headers();
      h.set(LAST_REVISION, String(firstRevision + chained.length - 1));
      h.set(LAST_HASH, chained[chained.length - 1].hash);
      const commit: Commit = { firstRevision, events: chained };
      try {
        const ack = await (await this.connector.jetstream()).publish(subjectFor(stream), Buffer.from(JSON.stringify(commit)), {
          // A retried publish (lost ack) is recognised by JetStream and stored once. The stream is part of the id:
          // the same event may be recorded in two streams (a service's own record and a run's history).
          msgID: createHash('sha256').update(stream).update('\u0000').update(chained.map((c) => c.event.id).join(',')).digest('hex'),
          headers: h,
          // The server refuses if another writer appended since we read the tail.
          expect: { lastSubjectSequence: tail.token },
        });
        if (!ack.duplicate) this.remember(stream, tail.token, commitRecords(stream, ack.seq, commit), ack.seq);
        else this.recent.delete(stream); // stored before, where this store's view did not show it: the view is stale
        return ack.duplicate ? 'duplicate' : 'written';
      } catch (error) {
        // Someone else wrote, or the write's outcome is unknown (a lost ack while a leader fails over): either way
        // what this store remembers of the stream may be stale, and the retry must see the stream as it is.
        this.recent.delete(stream);
        if (/wrong last sequence/i.test(String((error as Error).message))) throw new TailMovedError(stream);
        throw error;
      }
    },
  };

  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.retrying(`read ${stream}`, async () => {
      await this.init();
      // A stream this store writes is read from memory: its writes are all it can miss, and a write on a stale
      // view is refused (see tail), which also forgets the view.
      const written = this.recent.get(stream);
      if (written?.writtenHere && this.options.soleWriter && !options?.latest) return this.opened(selectFromStream(written.records, options));
      // The stream leader names the newest commit: a read never misses one that was acknowledged.
      const newest = (await this.lastCommit(stream))?.seq ?? 0;
      const records = await this.recordsUpTo(stream, newest);
      return this.opened(selectFromStream(records, options));
    });
  }

  /** What this store just appended after commit `after`: kept if the stream was remembered up to there, so the writer's next read costs no fetch. */
  private remember(stream: string, after: number, appended: RecordedEvent[], seq: number): void {
    const remembered = this.recent.get(stream);
    if (after === 0) this.recent.set(stream, { seq, records: appended, writtenHere: true });
    else if (remembered?.seq === after) {
      // In place: the records are private to this cache (reads hand out filtered copies), and a long stream must not be copied per append.
      remembered.records.push(...appended);
      remembered.seq = seq;
      remembered.writtenHere = true;
    } else this.recent.delete(stream);
  }

  private rememberedTail(stream: string): LastCommit | undefined {
    const remembered = this.recent.get(stream);
    const last = remembered?.records.at(-1);
    return remembered && last ? { seq: remembered.seq, revision: last.revision, hash: last.hash } : undefined;
  }

  /**
   * A stream's records up to commit `newest`. A stream read lately is served from memory, and only
   * the commits after the ones remembered are fetched: a decision re-reads its run's stream, and
   * without this every decision would scan it from the start (docs/benchmarks.md).
   */
  private async recordsUpTo(stream: string, newest: number): Promise<RecordedEvent[]> {
    const remembered = this.recent.get(stream);
    if (newest === 0) {
      this.recent.delete(stream);
      return [];
    }
    if (remembered?.seq === newest) return remembered.records;
    const scanFrom = async (seq: number) =>
      this.scan({ filterSubjects: subjectFor(stream), ...(seq > 1 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: seq } : {}) }, newest);
    let records: RecordedEvent[];
    const since = remembered && remembered.seq < newest ? await scanFrom(remembered.seq + 1) : undefined;
    const lastRemembered = remembered?.records.at(-1)?.revision ?? -1;
    if (since && since.every((r) => r.revision > lastRemembered)) records = remembered!.records.concat(since);
    // Read afresh when nothing is remembered, or when a commit re-states a remembered revision (the
    // stream was rewritten: its events must be read as they now are). Revision order, not arrival order.
    else records = (await scanFrom(1)).sort((a, b) => a.revision - b.revision);
    // Unless an append of this store's landed meanwhile: its view is newer than this read's.
    if ((this.recent.get(stream)?.seq ?? 0) <= newest) this.recent.set(stream, { seq: newest, records });
    return records;
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.retrying('read $all', async () => {
      await this.init();
      const after = options.after;
      const from = after ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after.commit } : {};
      const newest = await this.newestCommit();
      const records = await this.scan(from, after && newest <= after.commit ? 0 : newest, options.maxCount === undefined ? undefined : (found) => found.length >= (options.maxCount as number), after);
      return this.opened(records.slice(0, options.maxCount));
    });
  }

  /** Tenant data readable on the way out (the cache keeps what is stored: sealed). */
  private opened(records: RecordedEvent[]): Promise<RecordedEvent[]> | RecordedEvent[] {
    return this.options.tenantData ? this.options.tenantData.open(records) : records;
  }

  async subscribeToAll(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): Promise<Subscription> {
    await this.init();
    const after = options.after;
    const consumer = await (await this.connector.jetstream()).consumers.get(
      EVENT_STORE_STREAM,
      after ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after.commit } : {},
    );
    const messages = await consumer.consume();
    let stopped = false;
    const loop = (async () => {
      for await (const message of messages) {
        for (const record of recordsOf(message)) {
          if (stopped) return;
          if (after && comparePositions(record.position, after) <= 0) continue;
          if (matchesFilter(options.filter, record)) await handler((await this.opened([record]))[0]);
        }
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        messages.stop();
        await loop;
      },
    };
  }

  async close(): Promise<void> {
    // The connection belongs to the service that lent it.
  }

  /**
   * Reads with an ephemeral ordered consumer until it has seen commit `newest` (0: unknown, then all that was
   * pending at the start) unless `enough` stopped it first.
   */
  private async scan(options: Partial<OrderedConsumerOptions>, newest: number, enough?: (found: RecordedEvent[]) => boolean, after?: { commit: number; prepare: number }): Promise<RecordedEvent[]> {
    await this.init();
    const consumer = await (await this.connector.jetstream()).consumers.get(EVENT_STORE_STREAM, options);
    // Knowing the newest commit to reach, the scan needs no look-up of what is pending first (one round trip less).
    const pending = newest > 0 ? undefined : (await consumer.info()).num_pending;
    const records: RecordedEvent[] = [];
    let seen = 0;
    if (pending === undefined || pending > 0) {
      // Pulled in batches for as long as it takes: one fetch of a whole 36,000-commit log ended early (at commit
      // 3,164, in bench:replay on a loaded machine), and a read that stops short is taken for a replica behind.
      const messages = await consumer.consume({ max_messages: Math.min(pending ?? SCAN_BATCH, SCAN_BATCH) });
      // Pulls go on until stopped: a read that stops progressing (a commit deleted meanwhile, a replica behind)
      // ends here, short of `newest`, and is retried as one that reached a replica behind.
      let progressed = Date.now();
      const watchdog = setInterval(() => Date.now() - progressed > SCAN_STALL_MS && messages.stop(), 1_000);
      try {
        for await (const message of messages) {
          progressed = Date.now();
          seen = message.seq;
          for (const record of recordsOf(message)) if (!after || comparePositions(record.position, after) > 0) records.push(record);
          if (enough?.(records)) return records;
          if (message.info.pending === 0 || (newest > 0 && message.seq >= newest)) break;
        }
      } finally {
        clearInterval(watchdog);
        messages.stop();
      }
    }
    if (seen < newest) throw new ReplicaBehindError(`a read of ${EVENT_STORE_STREAM}`, seen, newest);
    return records;
  }

  private async lastCommit(stream: string): Promise<LastCommit | undefined> {
    const jsm = await this.connector.manager$();
    try {
      const stored = await jsm.streams.getMessage(EVENT_STORE_STREAM, { last_by_subj: subjectFor(stream) });
      return { seq: stored.seq, revision: Number(stored.header.get(LAST_REVISION)), hash: stored.header.get(LAST_HASH) };
    } catch (error) {
      if (/no message found/i.test(String((error as Error).message))) return this.newestLeft(stream);
      throw error;
    }
  }

  /**
   * The sequence of the newest commit still stored. The stream's last sequence stays that of a deleted newest
   * commit, which a read would wait for in vain (and take for a replica behind).
   */
  private async newestCommit(): Promise<number> {
    const { state } = await (await this.connector.manager$()).streams.info(EVENT_STORE_STREAM, { deleted_details: true });
    const deleted = new Set(state.deleted ?? []);
    let newest = state.last_seq;
    while (newest >= state.first_seq && deleted.has(newest)) newest -= 1;
    return newest;
  }

  /**
   * nats-server 2.9 answers "no message found" for the last message of a subject whose newest message was deleted,
   * though older ones remain: without this, a run whose last commit was deleted read as no run at all. What is
   * left is found by a scan of the subject, and marked as truncated.
   */
  private async newestLeft(stream: string): Promise<LastCommit | undefined> {
    const subject = subjectFor(stream);
    // Any commit of the stream left: its first, looked up by subject. (Every new run's stream comes this way, and the
    // stream info filtered by subject, asked before, walks every subject of the store on the server.)
    const next: MsgRequest = { next_by_subj: subject, seq: 0 } as unknown as MsgRequest; // NextMsgRequest: nats-server ≥ 2.9, typed only for direct gets
    const first = await (await this.connector.manager$()).streams.getMessage(EVENT_STORE_STREAM, next).catch((error: Error) => {
      if (/no message found/i.test(error.message)) return undefined;
      throw error;
    });
    if (!first) return undefined;
    const left = await this.scan({ filterSubjects: subject }, 0);
    if (left.length === 0) return undefined;
    const newest = left.reduce((a, b) => (b.revision > a.revision ? b : a));
    return { seq: newest.position.commit, revision: newest.revision, hash: newest.hash, truncated: true };
  }

  async streamNames(): Promise<string[]> {
    await this.init();
    const { state } = await (await this.connector.manager$()).streams.info(EVENT_STORE_STREAM, { subjects_filter: `${SUBJECT_PREFIX}.>` });
    return Object.keys(state.subjects ?? {}).map(streamOf).sort();
  }

  async truncatedFrom(stream: string): Promise<number | undefined> {
    await this.init();
    const last = await this.lastCommit(stream);
    return last?.truncated ? last.revision + 1 : undefined;
  }

  /** Test hook: overwrite an event in place, as someone with write access to the stream could. */
  async tamper(stream: string, revision: number, mutate: (event: Envelope) => Envelope): Promise<void> {
    const records = await this.readStream(stream);
    const target = records[revision];
    if (!target) throw new Error(`no event ${stream}@${revision}`);
    const jsm = await this.connector.manager$();
    const stored = await jsm.streams.getMessage(EVENT_STORE_STREAM, { seq: target.position.commit });
    const commit = JSON.parse(Buffer.from(stored.data).toString('utf8')) as Commit;
    commit.events[target.position.prepare].event = mutate(commit.events[target.position.prepare].event);
    // JetStream messages are immutable: the forger deletes the original and re-publishes a copy,
    // which lands at the end of the subject. Readers see the same revisions with altered content.
    await jsm.streams.deleteMessage(EVENT_STORE_STREAM, target.position.commit, true);
    const h = headers();
    [LAST_REVISION, LAST_HASH].forEach((name) => h.set(name, stored.header.get(name)));
    await (await this.connector.jetstream()).publish(subjectFor(stream), Buffer.from(JSON.stringify(commit)), { headers: h });
    this.recent.delete(stream);
  }

  /**
   * Test hook: rewrite an event and recompute the hash chain from there on, as an admin with stream rights could.
   * Each later commit is deleted and re-published with the new hashes; the signatures stay as they were, since the
   * forger holds no writer's key, so only signature verification can tell.
   */
  async forge(stream: string, revision: number, mutate: (event: Envelope) => Envelope): Promise<void> {
    const records = await this.readStream(stream);
    if (!records[revision]) throw new Error(`no event ${stream}@${revision}`);
    const jsm = await this.connector.manager$();
    const js = await this.connector.jetstream();
    // From the commit holding the event on, in revision order (a re-published commit sits at the subject's end).
    const first = revision - records[revision].position.prepare;
    const commits = [...new Set(records.filter((r) => r.revision >= first).map((r) => r.position.commit))];
    let prevHash = records[first].prevHash;
    for (const seq of commits) {
      const stored = await jsm.streams.getMessage(EVENT_STORE_STREAM, { seq });
      const commit = JSON.parse(Buffer.from(stored.data).toString('utf8')) as Commit;
      commit.events = commit.events.map((chained, index) => {
        const event = commit.firstRevision + index === revision ? mutate(chained.event) : chained.event;
        const hash = eventHash(prevHash, event);
        const forged = { ...chained, event, prevHash, hash };
        prevHash = hash;
        return forged;
      });
      await jsm.streams.deleteMessage(EVENT_STORE_STREAM, seq, true);
      const h = headers();
      h.set(LAST_REVISION, stored.header.get(LAST_REVISION));
      h.set(LAST_HASH, prevHash);
      await js.publish(subjectFor(stream), Buffer.from(JSON.stringify(commit)), { headers: h });
    }
    this.recent.delete(stream);
  }
}
