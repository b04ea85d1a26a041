import type { Envelope } from '@agentos/contracts';
import { checkExpectedRevision, type AppendResult, type EventStore, type ExpectedRevision, type RecordedEvent } from './port';

/** A process-local event store for unit tests of handlers. */
export class InMemoryEventStore implements EventStore {
  private readonly streams = new Map<string, RecordedEvent[]>();

  async append(stream: string, events: readonly Envelope[], options: { expectedRevision?: ExpectedRevision } = {}): Promise<AppendResult> {
    const recorded = this.streams.get(stream) ?? [];
    const known = new Set(recorded.map((r) => r.event.id));
    const fresh = events.filter((event) => !known.has(event.id));
    if (fresh.length === 0 && events.length > 0) return { nextExpectedRevision: recorded.length - 1 };
    checkExpectedRevision(stream, options.expectedRevision ?? 'any', recorded.length === 0 ? 'no_stream' : recorded.length - 1);
    fresh.forEach((event) => recorded.push({ stream, revision: recorded.length, event: structuredClone(event) }));
    this.streams.set(stream, recorded);
    return { nextExpectedRevision: recorded.length - 1 };
  }

  async readStream(stream: string): Promise<RecordedEvent[]> {
    return structuredClone(this.streams.get(stream) ?? []);
  }
}
