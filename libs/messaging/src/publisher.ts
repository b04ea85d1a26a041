import {
  CATALOG,
  encodeMessage,
  parseMessage,
  subjectOf,
  type AnyMessage,
  type Envelope,
  type MessageOf,
  type QueryType,
  type ReplyOf,
} from '@agentos/contracts';
import { RequestStrategy, headers, type JetStreamClient, type MsgHdrs, type NatsConnection } from 'nats';
import { context, trace } from '@opentelemetry/api';
import type { NatsConnector } from './connection';
import { SpanKind, activeTraceparent, contextOf, inSpan, messageAttributes } from './tracing';

export interface PublishReceipt {
  stream: string;
  seq: number;
  /** True when JetStream had already stored a message with this id (de-duplicated). */
  duplicate: boolean;
}

export class InvalidMessageError extends Error {
  constructor(readonly type: string, detail: string) {
    super(`invalid ${type}: ${detail}`);
    this.name = 'InvalidMessageError';
  }
}

export class QueryFailedError extends Error {
  constructor(readonly type: string, detail: string) {
    super(`${type} failed: ${detail}`);
    this.name = 'QueryFailedError';
  }
}

/** The reply of a query on the wire: the answer or the handler's error, never a stack trace. */
export type QueryReply<T = unknown> = { ok: true; reply: T } | { ok: false; error: string };

export function messageHeaders(message: Envelope): MsgHdrs {
  const h = headers();
  h.set('Nats-Msg-Id', message.id);
  h.set('AgentOS-Type', message.type);
  if (message.traceparent) h.set('traceparent', message.traceparent);
  return h;
}

/** Inside a handler, the handler's span; otherwise the trace the message says it belongs to. */
const parentFor = (message: Envelope) => (trace.getSpan(context.active()) ? context.active() : contextOf(message));

/** Validates at the boundary: nothing malformed leaves a service. */
function validated<T extends AnyMessage>(message: T): T {
  const result = parseMessage(message);
  if (!result.ok) throw new InvalidMessageError(message.type, result.error);
  return result.message as T;
}

/**
 * Publishes contract messages: stream-backed ones through JetStream with the event id as
 * `Nats-Msg-Id` (so a re-publish is de-duplicated), queries through NATS request/reply.
 */
export class MessagePublisher {
  constructor(private readonly connector: NatsConnector) {}

  async publish(message: AnyMessage): Promise<PublishReceipt> {
    const [receipt] = await this.publishAll([message]);
    return receipt;
  }

  /**
   * Sends every message before awaiting any acknowledgement: one round trip for the lot, not one each. They
   * leave in order on the one connection, so JetStream stores them in order and consumers of one subject see
   * causes before their effects.
   */
  async publishAll(messages: readonly AnyMessage[]): Promise<PublishReceipt[]> {
    const checked = messages.map((message) => {
      if (CATALOG[message.type].kind === 'query') throw new Error(`${message.type} is a query: use request()`);
      return validated(message);
    });
    const js = await this.connector.jetstream();
    return Promise.all(checked.map((message) => this.send(js, message)));
  }

  /** Hands the message to the connection synchronously (the span's callback runs at once), then awaits its ack. */
  private send(js: JetStreamClient, checked: AnyMessage): Promise<PublishReceipt> {
    return inSpan(`publish ${checked.type}`, SpanKind.PRODUCER, messageAttributes(checked), parentFor(checked), async () => {
      const hop = activeTraceparent();
      // A message that starts a conversation starts its trace; its effects inherit it (causedBy).
      const traced = checked.traceparent || !hop ? checked : { ...checked, traceparent: hop };
      const h = messageHeaders(traced);
      if (hop) h.set('traceparent', hop); // the header carries this hop, so the consumer's span is its child
      const ack = await js.publish(subjectOf(traced), encodeMessage(traced), { msgID: traced.id, headers: h });
      return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
    });
  }

  /**
   * Asks every instance of a service that answers each one (ResponderOptions.everyInstance) and gathers their valid
   * replies: all `expected` of them, or those in by `timeoutMs` (an instance gone meanwhile does not hold it up longer).
   */
  async requestAll<T extends QueryType>(message: MessageOf<T>, { expected, timeoutMs = 1_000 }: { expected: number; timeoutMs?: number }): Promise<ReplyOf<T>[]> {
    const checked = validated(message as AnyMessage);
    const nc: NatsConnection = await this.connector.connection$();
    const replies: ReplyOf<T>[] = [];
    const responses = await nc.requestMany(subjectOf(checked), encodeMessage(checked), { strategy: RequestStrategy.Count, maxMessages: expected, maxWait: timeoutMs, headers: messageHeaders(checked) });
    for await (const response of responses) {
      try {
        replies.push(replyOf(message.type as T, response.data));
      } catch (error) {
        // An instance that failed to answer, or answered what the contract does not allow: the others' replies stand.
        if (!(error instanceof QueryFailedError)) throw error;
      }
    }
    return replies;
  }

  async request<T extends QueryType>(message: MessageOf<T>, timeoutMs = 5_000): Promise<ReplyOf<T>> {
    const checked = validated(message as AnyMessage);
    const nc: NatsConnection = await this.connector.connection$();
    const response = await inSpan(`request ${checked.type}`, SpanKind.CLIENT, messageAttributes(checked), parentFor(checked), () => {
      const h = messageHeaders(checked);
      const hop = activeTraceparent();
      if (hop) h.set('traceparent', hop);
      return nc.request(subjectOf(checked), encodeMessage(checked), { timeout: timeoutMs, headers: h });
    });
    return replyOf(message.type as T, response.data);
  }
}

/** The reply in a responder's answer, as the contract has it; QueryFailedError when it failed or does not validate. */
function replyOf<T extends QueryType>(type: T, data: Uint8Array): ReplyOf<T> {
  const answer = JSON.parse(Buffer.from(data).toString('utf8')) as QueryReply;
  if (!answer.ok) throw new QueryFailedError(type, answer.error);
  const reply = CATALOG[type].reply.safeParse(answer.reply);
  if (!reply.success) throw new QueryFailedError(type, `reply failed validation: ${reply.error.message}`);
  return reply.data as ReplyOf<T>;
}
