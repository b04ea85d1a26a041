import type { Envelope } from '@agentos/contracts';
import { SpanKind, inSpan } from '@agentos/messaging';
import { context } from '@opentelemetry/api';
import { chainEvents, validateEvents, type ChainedEvent } from './hash-chain';
import type { EventSigner } from './signing/commit-signature';
import { WrongExpectedRevisionError, checkExpectedRevision, type AppendResult, type ExpectedRevision, type RecordedEvent } from './port';

/** The last event of a stream as an adapter sees it; `token` is what the adapter needs to write after it. */
export interface StreamTail<Token> {
  revision: number | 'no_stream';
  hash: string;
  token: Token;
}

/** Thrown by an adapter's write when the stream moved past the tail it was given. */
export class TailMovedError extends Error {}

/** The storage steps each adapter provides; the append algorithm itself is shared. */
export interface ChainedWriter<Token> {
  /**
   * The stream's last event. `firstWrite`: the caller expects no stream and writes events, so an adapter whose write
   * is refused when the stream exists after all may answer 'no_stream' without looking.
   */
  tail(stream: string, firstWrite?: boolean): Promise<StreamTail<Token>>;
  readStream(stream: string, options: { fromRevision?: number | 'end'; direction?: 'forwards' | 'backwards'; maxCount?: number }): Promise<RecordedEvent[]>;
  /** Writes the events right after `tail`, atomically, or throws TailMovedError; 'duplicate' when the storage already had them. */
  write(stream: string, events: ChainedEvent[], tail: StreamTail<Token>): Promise<'written' | 'duplicate'>;
  /**
   * How many of the stream's last events a blind ('any' / 'stream_exists') re-append is looked for
   * in. 0 when the storage itself recognises a repeated append (JetStream's message-id window).
   */
  blindRepeatWindow: number;
}

const sameIds = (stored: readonly RecordedEvent[], events: readonly Envelope[]) =>
  stored.length === events.length && stored.every((record, i) => record.event.id === events[i].id);

async function isRepeat<Token>(writer: ChainedWriter<Token>, stream: string, events: readonly Envelope[], expected: ExpectedRevision, last: number): Promise<boolean> {
  if (typeof expected === 'number' || expected === 'no_stream') {
    // As EventStoreDB: the same ids already right after the expected revision.
    const start = expected === 'no_stream' ? 0 : expected + 1;
    return start <= last && sameIds(await writer.readStream(stream, { fromRevision: start, maxCount: events.length }), events);
  }
  if (writer.blindRepeatWindow === 0) return false;
  const recent = await writer.readStream(stream, { direction: 'backwards', fromRevision: 'end', maxCount: Math.max(writer.blindRepeatWindow, events.length) });
  const ids = new Set(recent.map((r) => r.event.id));
  return events.every((e) => ids.has(e.id));
}

/**
 * Validates, seals the tenant data (`seal`, when the store has a cipher), checks the expectation, links the events
 * to the stream's last hash, and writes them exactly after that event, so the chain can never fork. When the
 * caller did not pin a revision ('any', 'stream_exists') and another writer got in first, it simply tries again on
 * the new tail. With a signer, the append's last event carries the writer's signature over its hash (see
 * CommitSignature): chain and signature cover what is stored, the sealed form.
 */
export function appendChained<Token>(
  writer: ChainedWriter<Token>,
  stream: string,
  events: readonly Envelope[],
  expected: ExpectedRevision,
  signer?: EventSigner,
  seal?: (events: readonly Envelope[]) => Promise<Envelope[]>,
): Promise<AppendResult> {
  const attributes = { 'agentos.stream': stream, 'agentos.events': events.length, 'agentos.event_types': events.map((e) => e.type).join(',') };
  return inSpan('eventstore.append', SpanKind.INTERNAL, attributes, context.active(), async () => {
    validateEvents(stream, events);
    return appendOnce(writer, stream, seal ? await seal(events) : events, expected, signer);
  });
}

async function appendOnce<Token>(writer: ChainedWriter<Token>, stream: string, events: readonly Envelope[], expected: ExpectedRevision, signer?: EventSigner): Promise<AppendResult> {
  for (let attempt = 1; ; attempt += 1) {
    const tail = await writer.tail(stream, expected === 'no_stream' && events.length > 0);
    if (tail.revision !== 'no_stream' && (events.length === 0 || (await isRepeat(writer, stream, events, expected, tail.revision)))) {
      return { nextExpectedRevision: tail.revision };
    }
    checkExpectedRevision(stream, expected, tail.revision);
    const chained = chainEvents(tail.hash, events);
    const last = tail.revision === 'no_stream' ? -1 : tail.revision;
    const head = chained[chained.length - 1];
    if (signer && head) head.signature = signer.sign(stream, last + chained.length, head.hash);
    try {
      const outcome = await writer.write(stream, chained, tail);
      if (outcome === 'written') return { nextExpectedRevision: last + chained.length };
      // Stored before (the storage knew the events): where the stream is now, as a repeat found above would say.
      const now = await writer.tail(stream);
      return { nextExpectedRevision: now.revision === 'no_stream' ? last : now.revision };
    } catch (error) {
      if (!(error instanceof TailMovedError)) throw error;
      const pinned = typeof expected === 'number' || expected === 'no_stream';
      if (pinned || attempt >= 10) throw new WrongExpectedRevisionError(stream, expected, (await writer.tail(stream)).revision);
    }
  }
}
