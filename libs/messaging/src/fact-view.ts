import { CATALOG, subjectFilter, type MessageOf, type StreamMessageType, type ValidationIssue } from '@agentos/contracts';
import { DeliverPolicy, type ConsumerMessages, type JsMsg } from 'nats';
import type { NatsConnector } from './connection';
import { deadLetterFor } from './dead-letter';
import { checkDelivery } from './delivery-check';
import { silentLog, type Log } from './log';
import type { MessagePublisher } from './publisher';

export interface FactViewOptions<T extends StreamMessageType> {
  /** Names the view's consumers (`<service>-view-…`) where an operator lists them. */
  service: string;
  type: T;
  /**
   * Applies one fact to the view, called in stream order (an async handler's awaited part may finish out of order).
   * A throw or a rejection is logged and the fact left out: nothing redelivers it.
   */
  onFact: (message: MessageOf<T>) => unknown;
  log?: Log;
}

/** A service's view consumers are named `<service>-view-<nuid>_<n>` (nats.js adds the rest to this prefix). */
const viewPrefix = (service: string) => `${service}-view-`;

/** The service whose view a consumer is, from its name; undefined for any other consumer. */
export const viewOwner = (consumer: string): string | undefined => /^([a-z]+)-view-/.exec(consumer)?.[1];

/** Messages the server may hand the view at once (it asks for more when half are taken). */
const BUFFERED = 512;
/** A pull's life; also how long nats.js waits between attempts to create the consumer again after it is lost. */
const PULL_EXPIRES_MS = 5_000;
/**
 * The server removes a view's consumer this long after its last pull. A consumer the client replaces (after a gap or
 * a restart) is left to this: deleting it would need the right to delete any consumer of the stream, the services'
 * durable ones included, which a view must not have (nats.js's attempt is refused and logged by the server).
 */
const IDLE_MS = 60_000;
/** Before a view that stopped on an error is opened again, from the fact after the last one it saw. */
const REOPEN_DELAY_MS = 1_000;

/**
 * Every fact of one type, from the start of its stream, for a view an instance keeps whole in memory
 * (observability's counts). Read through an ordered consumer: ephemeral, nothing acknowledged, recreated by the
 * client from the last sequence it saw after a disconnection or a server restart. Against a durable consumer per
 * instance this saves an acknowledgement per message and the pulls, which is most of what counting a fact cost.
 * A fact that fails its schema, or whose envelope disagrees with its subject, is parked as a durable consumer would
 * park it (one letter between the instances, consumer `<service>-<type>`) and left out of the view.
 */
export class FactView<T extends StreamMessageType> {
  /** Facts left out: invalid ones (parked), and those whose applying failed (logged). */
  skipped = 0;
  private messages?: ConsumerMessages;
  private readonly log: Log;
  /** The stream sequence of the last fact seen: a view opened again goes on from the next. */
  private lastSeq = 0;
  private stopped = false;
  private reopening?: NodeJS.Timeout;

  constructor(private readonly connector: NatsConnector, private readonly publisher: MessagePublisher, private readonly options: FactViewOptions<T>) {
    this.log = options.log ?? silentLog;
  }

  start(): Promise<void> {
    return this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reopening);
    this.messages?.stop();
    await this.messages?.closed();
  }

  private async open(): Promise<void> {
    const { type, service } = this.options;
    const js = await this.connector.jetstream();
    const from = this.lastSeq > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.lastSeq + 1 } : {};
    const consumer = await js.consumers.get(CATALOG[type].stream, { filterSubjects: subjectFilter(type), name_prefix: viewPrefix(service), inactive_threshold: IDLE_MS, ...from });
    const messages = await consumer.consume({ max_messages: BUFFERED, expires: PULL_EXPIRES_MS, callback: (message) => this.receive(message) });
    this.messages = messages;
    if (this.stopped) messages.stop();
    // nats.js recreates a lost consumer itself; it ends the view only on an error it does not recover from (a refused
    // pull, a status it does not know). Frozen counts with a healthy process would go unnoticed: open it again.
    void messages.closed().then((error) => this.reopenAfter(error || new Error('the view ended')));
  }

  private reopenAfter(error: Error): void {
    if (this.stopped) return;
    this.log.error({ err: error, view: this.options.type, lastSeq: this.lastSeq }, 'view ended; opening it again after the last fact it saw');
    this.reopening = setTimeout(() => void this.open().catch((failure: Error) => this.reopenAfter(failure)), REOPEN_DELAY_MS);
  }

  private receive(jsMsg: JsMsg): void {
    if (this.stopped) return;
    this.lastSeq = jsMsg.seq;
    // A throw here would end nats.js's consumer, and the view with it.
    try {
      this.apply(jsMsg);
    } catch (error) {
      this.skip(jsMsg, (error as Error).message);
    }
  }

  /** A throw from here is caught by `receive`. */
  private apply(jsMsg: JsMsg): void {
    const checked = checkDelivery(this.options.type, jsMsg.data, jsMsg.subject);
    if (!checked.ok) return this.park(jsMsg, checked.error, checked.issues);
    const applied = this.options.onFact(checked.message);
    if (applied instanceof Promise) applied.catch((error: Error) => this.skip(jsMsg, error.message));
  }

  private park(jsMsg: JsMsg, error: string, issues: ValidationIssue[]): void {
    this.skip(jsMsg, error);
    const consumer = `${this.options.service}-${this.options.type}`;
    const letter = deadLetterFor({ service: this.options.service, consumer, message: jsMsg, reason: 'invalid-message', error, issues });
    // Nothing redelivers it to a view: a letter that cannot be published now is logged, and the fact's other consumers park it too.
    this.publisher.publish(letter).catch((publishError: Error) => this.log.error({ err: publishError, view: consumer, seq: jsMsg.seq }, 'dead letter of an invalid fact not published'));
  }

  private skip(jsMsg: JsMsg, reason: string): void {
    this.skipped += 1;
    this.log.warn({ view: this.options.type, subject: jsMsg.subject, seq: jsMsg.seq, reason }, 'fact left out of a view');
  }
}
