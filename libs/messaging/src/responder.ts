import { CATALOG, decodeMessage, type MessageOf, type QueryType, type ReplyOf } from '@agentos/contracts';
import type { MsgHdrs, Subscription } from 'nats';
import type { NatsConnector } from './connection';
import { silentLog, type Log } from './log';
import type { QueryReply } from './publisher';
import { SpanKind, contextOf, inSpan, messageAttributes } from './tracing';

export type QueryHandler<T extends QueryType> = (query: MessageOf<T>) => Promise<ReplyOf<T>>;

export interface ResponderOptions<T extends QueryType> {
  service: string;
  type: T;
  handler: QueryHandler<T>;
  log?: Log;
}

/**
 * Answers one query type over NATS request/reply. Instances of a service join one queue group,
 * so each query is answered once. Queries are reads: nothing to retry or dead-letter, the caller
 * gets the error instead.
 */
export class QueryResponder<T extends QueryType> {
  private subscription?: Subscription;
  private loop?: Promise<void>;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly connector: NatsConnector, private readonly options: ResponderOptions<T>) {}

  async start(): Promise<void> {
    const nc = await this.connector.connection$();
    const subscription = nc.subscribe(CATALOG[this.options.type].subject, { queue: this.options.service });
    this.subscription = subscription;
    // Started means answering: the server has registered the subscription once a flush round-trips.
    await nc.flush();
    this.loop = (async () => {
      // Answered concurrently: one slow query must not hold up the others.
      for await (const request of subscription) {
        const pending: Promise<void> = this.answer(request.data, request.headers)
          .then((answer) => void request.respond(Buffer.from(JSON.stringify(answer))))
          .finally(() => this.inFlight.delete(pending));
        this.inFlight.add(pending);
      }
    })();
  }

  async stop(): Promise<void> {
    await this.subscription?.drain();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private async answer(data: Uint8Array, headers?: MsgHdrs): Promise<QueryReply> {
    const parsed = decodeMessage(data);
    if (!parsed.ok) return { ok: false, error: `invalid ${this.options.type}: ${parsed.error}` };
    if (parsed.message.type !== this.options.type) return { ok: false, error: `expected ${this.options.type}, got ${parsed.message.type}` };
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
}
