import type { Envelope } from '@agentos/contracts';
import { ensureStream, type NatsConnector } from '@agentos/messaging';
import { RetentionPolicy, StorageType, headers, nanos } from 'nats';
import { createHash } from 'node:crypto';
import { WrongExpectedRevisionError, checkExpectedRevision, type AppendResult, type EventStore, type ExpectedRevision, type RecordedEvent } from './port';

export const EVENT_STORE_STREAM = 'AGENTOS_EVENT_STORE';
const SUBJECT_PREFIX = 'agentos.es';
const LAST_REVISION = 'AgentOS-Last-Revision';

/** Event-store stream names become one subject token each; anything else is encoded. */
const subjectFor = (stream: string) => `${SUBJECT_PREFIX}.${Buffer.from(stream).toString('base64url')}`;

interface Commit {
  firstRevision: number;
  events: Envelope[];
}

/**
 * The embedded default event store, on the NATS JetStream that is already there: one JetStream
 * stream, one subject per event-store stream. Each append is one JetStream message (a commit), so
 * it is atomic; optimistic concurrency rides on the expected-last-subject-sequence header, and the
 * commit's message id (from its event ids) makes a repeated append a no-op.
 */
export class JetStreamEventStore implements EventStore {
  private ready?: Promise<void>;

  constructor(private readonly connector: NatsConnector, private readonly replicas = 1) {}

  private init(): Promise<void> {
    this.ready ??= this.connector.manager$().then((jsm) =>
      ensureStream(jsm, {
        name: EVENT_STORE_STREAM,
        subjects: [`${SUBJECT_PREFIX}.>`],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        num_replicas: this.replicas,
        duplicate_window: nanos(10 * 60 * 1000),
      }),
    );
    return this.ready;
  }

  async append(stream: string, events: readonly Envelope[], options: { expectedRevision?: ExpectedRevision } = {}): Promise<AppendResult> {
    await this.init();
    const recorded = await this.readStream(stream);
    const known = new Set(recorded.map((r) => r.event.id));
    const fresh = events.filter((event) => !known.has(event.id));
    const last = recorded.length === 0 ? ('no_stream' as const) : recorded.length - 1;
    if (fresh.length === 0) return { nextExpectedRevision: recorded.length - 1 };
    checkExpectedRevision(stream, options.expectedRevision ?? 'any', last);
    const lastSequence = await this.lastSubjectSequence(stream);
    const commit: Commit = { firstRevision: recorded.length, events: fresh };
    const h = headers();
    h.set(LAST_REVISION, String(recorded.length + fresh.length - 1));
    const js = await this.connector.jetstream();
    try {
      await js.publish(subjectFor(stream), Buffer.from(JSON.stringify(commit)), {
        msgID: createHash('sha256').update(fresh.map((e) => e.id).join(',')).digest('hex'),
        headers: h,
        // Another writer appended between our read and this publish: the server refuses.
        expect: { lastSubjectSequence: lastSequence },
      });
    } catch (error) {
      if (/wrong last sequence/i.test(String((error as Error).message))) {
        const now = await this.readStream(stream);
        throw new WrongExpectedRevisionError(stream, options.expectedRevision ?? 'any', now.length - 1);
      }
      throw error;
    }
    return { nextExpectedRevision: recorded.length + fresh.length - 1 };
  }

  async readStream(stream: string): Promise<RecordedEvent[]> {
    await this.init();
    const js = await this.connector.jetstream();
    const consumer = await js.consumers.get(EVENT_STORE_STREAM, { filterSubjects: subjectFor(stream) });
    const { num_pending: pending } = await consumer.info(true);
    const recorded: RecordedEvent[] = [];
    if (pending === 0) return recorded;
    const messages = await consumer.fetch({ max_messages: pending, expires: 5_000 });
    for await (const message of messages) {
      const commit = JSON.parse(Buffer.from(message.data).toString('utf8')) as Commit;
      commit.events.forEach((event, i) => recorded.push({ stream, revision: commit.firstRevision + i, event }));
      if (message.info.pending === 0) break;
    }
    return recorded;
  }

  private async lastSubjectSequence(stream: string): Promise<number> {
    const jsm = await this.connector.manager$();
    try {
      return (await jsm.streams.getMessage(EVENT_STORE_STREAM, { last_by_subj: subjectFor(stream) })).seq;
    } catch (error) {
      if (/no message found/i.test(String((error as Error).message))) return 0;
      throw error;
    }
  }
}
