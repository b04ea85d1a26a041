import { CATALOG, decodeMessage, subjectFilter, subjectMismatch, type MessageOf, type StreamMessageType, type ValidationIssue } from '@agentos/contracts';
import type { ConsumerMessages, JsMsg } from 'nats';
import type { NatsConnector } from './connection';
import { deadLetterFor } from './dead-letter';
import { silentLog, type Log } from './log';
import type { MessagePublisher } from './publisher';

export interface FactViewOptions<T extends StreamMessageType> {
  /** Names the view's consumers (`<service>-view-…`) where an operator lists them. */
  service: string;
  type: T;
  /** Applies one fact to the view. Runs in stream order; a throw is logged and the fact skipped (nothing redelivers it). */
  onFact: (message: MessageOf<T>) => unknown;
  log?: Log;
}

/** Messages the server may hand the view at once (it asks for more when half are taken). */
const BUFFERED = 512;

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

  constructor(private readonly connector: NatsConnector, private readonly publisher: MessagePublisher, private readonly options: FactViewOptions<T>) {
    this.log = options.log ?? silentLog;
  }

  async start(): Promise<void> {
    const { type, service } = this.options;
    const js = await this.connector.jetstream();
    const consumer = await js.consumers.get(CATALOG[type].stream, { filterSubjects: subjectFilter(type), name_prefix: `${service}-view-` });
    this.messages = await consumer.consume({ max_messages: BUFFERED, callback: (message) => this.apply(message) });
  }

  async stop(): Promise<void> {
    this.messages?.stop();
    await this.messages?.closed();
  }

  private apply(jsMsg: JsMsg): void {
    const parsed = decodeMessage(jsMsg.data);
    if (!parsed.ok) return this.park(jsMsg, parsed.error, parsed.issues);
    const { type } = this.options;
    const refusal = parsed.message.type !== type ? `type "${parsed.message.type}" does not belong on ${jsMsg.subject} (expected ${type})` : subjectMismatch(parsed.message, jsMsg.subject);
    if (refusal) return this.park(jsMsg, refusal, [{ path: parsed.message.type !== type ? 'type' : 'subject', message: refusal }]);
    try {
      const applied = this.options.onFact(parsed.message as MessageOf<T>);
      if (applied instanceof Promise) applied.catch((error: Error) => this.skip(jsMsg, error.message));
    } catch (error) {
      this.skip(jsMsg, (error as Error).message);
    }
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
