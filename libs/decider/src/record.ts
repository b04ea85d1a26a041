import type { AnyMessage, Envelope } from '@agentos/contracts';
import type { EventStore, ExpectedRevision } from '@agentos/event-store';

/** Where a service records its decisions and facts: its event store, and the bus its events go out on. */
export interface RecordSink {
  store: EventStore;
  publish: (events: readonly AnyMessage[]) => Promise<unknown>;
}

export interface RecordOptions {
  expectedRevision?: ExpectedRevision;
  /** Appended before `events` but not published: what the history needs besides them (a decision's cause and input). */
  historyOnly?: readonly Envelope[];
}

/**
 * The one record path of every service: append to the event store, then publish. Nothing is published that is
 * not recorded first, so whatever acts on an event finds it in the history. A crash in between re-runs the
 * handler on redelivery, which derives the same event ids: the append and the publish both de-duplicate.
 * Resolves once the events are recorded; `published` once JetStream acknowledged them.
 */
export async function recordEvents(sink: RecordSink, stream: string, events: readonly AnyMessage[], options: RecordOptions = {}): Promise<{ published: Promise<unknown> }> {
  const { historyOnly = [], expectedRevision } = options;
  await sink.store.append(stream, [...historyOnly, ...events], expectedRevision === undefined ? {} : { expectedRevision });
  return { published: events.length === 0 ? Promise.resolve() : sink.publish(events) };
}

/**
 * recordEvents as services use it (service-host provides one per service): `record` returns once the events are
 * also published, for handlers of consumed messages (acknowledged only then, so a redelivery publishes again);
 * `recordForAnswer` once they are recorded and handed to the connection, for answers to queries, which nothing
 * redelivers: the caller acts on the answer, and the answer's record is in the event store before it leaves.
 */
export class EventRecorder {
  constructor(
    private readonly sink: RecordSink,
    private readonly onLostPublish: (error: unknown, events: readonly AnyMessage[]) => void,
  ) {}

  async record(stream: string, events: readonly AnyMessage[], options?: RecordOptions): Promise<void> {
    await (await recordEvents(this.sink, stream, events, options)).published;
  }

  async recordForAnswer(stream: string, events: readonly AnyMessage[]): Promise<void> {
    const { published } = await recordEvents(this.sink, stream, events);
    published.catch((error: unknown) => this.onLostPublish(error, events));
  }
}
