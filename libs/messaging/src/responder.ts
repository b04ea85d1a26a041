import { CATALOG, decodeMessage, subjectFilter, subjectMismatch, type MessageOf, type QueryType, type ReplyOf } from '@agentos/contracts';
import type { Msg, Subscription } from 'nats';
import type { NatsConnector } from './connection';
import { silentLog, type Log } from './log';
import { deadLetterFor } from './dead-letter';
import { MessagePublisher, type QueryReply } from './publisher';
import { SpanKind, contextOf, inSpan, messageAttributes } from './tracing';

export type QueryHandler<T extends QueryType> = (query: MessageOf<T>) => Promise<ReplyOf<T>>;

export interface ResponderOptions<T extends QueryType> {
  service: string;
  type: T;
  handler: QueryHandler<T>;
  /** Fixed subject tokens, e.g. { partition: '3' }: only those queries are answered here. */
  filterTokens?: Record<string, string>;
  /** Every instance answers each query (the asker gathers the answers), instead of one of the service's instances. */
  everyInstance?: boolean;
  log?: Log;
}

/**
 * Answers one query type over NATS request/reply. Instances of a service join one queue group,
 * so each query is answered once. Queries are reads: nothing to retry or dead-letter, the caller
 * gets the error instead. A query whose envelope disagrees with its sender tokens is refused unanswered and, being
 * an attempt to act as someone else, dead-lettered for the record.
 */
export class QueryResponder<T extends QueryType> {
  private subscription?: Subscription;
  private loop?: Promise<void>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly publisher: MessagePublisher;

  constructor(private readonly connector: NatsConnector, private readonly options: ResponderOptions<T>) {
    this.publisher = new MessagePublisher(connector);
  }

  async start(): Promise<void> {
    const nc = await this.connector.connection$();
    const subscription = nc.subscribe(subjectFilter(this.options.type, this.options.filterTokens), this.options.everyInstance ? {} : { queue: this.options.service });
    this.subscription = subscription;
    // Started means answering: the server has registered the subscription once a flush round-trips.
    await nc.flush();
    this.loop = (async () => {
      // Answered concurrently: one slow query must not hold up the others.
      for await (const request of subscription) {
        const pending: Promise<void> = this.answer(request)
          .then((answer) => void request.respond(Buffer.from(JSON.stringify(answer))))
          .finally(() => this.inFlight.delete(pending));
        this.inFlight.add(pending);
      }
    })();
  }

  /** Answers no more queries at once; those being answered finish on their own (nothing waits for them). */
  close(): void {
    this.subscription?.unsubscribe();
  }

  async stop(): Promise<void> {
    await this.subscription?.drain();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private async answer(request: Msg): Promise<QueryReply> {
    const parsed = decodeMessage(request.data);
    if (!parsed.ok) return { ok: false, error: `invalid ${this.options.type}: ${parsed.error}` };
    if (parsed.message.type !== this.options.type) return { ok: false, error: `expected ${this.options.type}, got ${parsed.message.type}` };
    const mismatch = subjectMismatch(parsed.message, request.subject);
    if (mismatch) return this.refuse(request, mismatch);
    const headers = request.headers;
    try {
      const query = parsed.message as MessageOf<T>;
      const attributes = { ...messageAttributes(query), 'agentos.service': this.options.service };
      const reply = await inSpan(`answer ${query.type}`, SpanKind.SERVER, attributes, contextOf(query, headers), () => this.options.handler(query));
      return { ok: true, reply: CATALOG[this.options.type].reply.parse(reply) };
    } catch (error) {
      // Nest hands over an RpcException's payload (often a plain string) rather than an Error.
      const reason = typeof error === 'string' ? error : ((error as { message?: string })?.message ?? JSON.stringify(error));
      (this.options.log ?? silentLog).warn({ type: this.options.type, err: reason }, 'query failed');
      return { ok: false, error: reason };
    }
  }

  private async refuse(request: Msg, error: string): Promise<QueryReply> {
    const { service, log = silentLog } = this.options;
    const letter = deadLetterFor({
      service,
      consumer: `${service}-${this.options.type}`,
      message: { subject: request.subject, seq: 0, data: request.data, info: { deliveryCount: 1 } },
      reason: 'invalid-message',
      error,
      issues: [{ path: 'subject', message: error }],
    });
    // The refusal stands whether or not the record of it could be written.
    await this.publisher.publish(letter).catch((publishError: Error) => log.error({ err: publishError.message }, 'dead letter of a refused query not published'));
    log.warn({ type: this.options.type, err: error }, 'query refused');
    return { ok: false, error: `refused: ${error}` };
  }
}
