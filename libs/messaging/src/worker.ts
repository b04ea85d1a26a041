import {
  CATALOG,
  rejectionOfInvalid,
  subjectFilter,
  type MessageOf,
  type Sender,
  type StreamMessageType,
  type ValidationIssue,
} from '@agentos/contracts';
import type { Consumer, JsMsg, MsgHdrs } from 'nats';
import type { NatsConnector } from './connection';
import { checkDelivery } from './delivery-check';
import { deadLetterFor, type DeadLetterReason, type ParkedBy } from './dead-letter';
import { classifyFailure } from './error-class';
import { silentLog, type Log } from './log';
import type { MessagePublisher } from './publisher';
import { persistently } from './persistently';
import { ensureDurableConsumer } from './topology';
import { SpanKind, contextOf, inSpan, messageAttributes } from './tracing';
import { isConsumerMissing, isJetStreamApiTimeout } from './nats-errors';

export interface Delivery {
  /** 1 on the first delivery. */
  deliveryCount: number;
  streamSequence: number;
  subject: string;
  headers?: MsgHdrs;
}

export type MessageHandler<T extends StreamMessageType> = (message: MessageOf<T>, delivery: Delivery) => Promise<void>;

export interface RetryPolicy {
  /** Deliveries before a failing message is dead-lettered. */
  maxDeliver: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** How long a worker keeps asking JetStream to create its consumer while the API times out (a cluster forming). */
const CONSUMER_PATIENCE_MS = 60_000;

/** How long one pull request waits for messages; also the longest a graceful stop waits on it. */
const PULL_EXPIRES_MS = 1_000;

/**
 * A handler usually fails because something it needs is briefly away (a service restarting, NATS
 * failing over), not because of the message: retries come at most 5 s apart, so work resumes soon
 * after the dependency does, and thirty deliveries span about two minutes before a message is
 * parked. Messages that fail their schema, or whose handler fails permanently, are parked at once.
 */
export const DEFAULT_RETRY: RetryPolicy = { maxDeliver: 30, initialBackoffMs: 250, maxBackoffMs: 5_000 };

export interface WorkerOptions<T extends StreamMessageType> {
  service: string;
  type: T;
  handler: MessageHandler<T>;
  /** The principal this process runs as, for its dead letters; defaults to the service itself in the platform tenant. */
  identity?: ParkedBy;
  /** Fixed subject tokens, e.g. { agent: 'summarizer' } for one agent's tasks. */
  filterTokens?: Record<string, string>;
  /** Fixed sender tokens, e.g. { tenant: 'acme' } for a tenant's agent: messages from other senders are not delivered. */
  filterSender?: Sender;
  /** Defaults to `<service>-<type>`: all instances of a service share it and split the work. */
  durable?: string;
  retry?: Partial<RetryPolicy>;
  /** Messages handled at once by this instance. */
  concurrency?: number;
  ackWaitMs?: number;
  /** For a consumer of one instance only: removed by the server once nobody pulls for this long. */
  inactiveThresholdMs?: number;
  /** Only messages published from the consumer's creation on, not the stream's past. */
  fromNow?: boolean;
  /** Dead letters' ids derive from this instead of the durable (see deadLetterFor's letterKey). */
  letterKey?: string;
  log?: Log;
}

export interface WorkerStats {
  acked: number;
  retried: number;
  deadLettered: Record<DeadLetterReason, number>;
}

/** Exponential backoff with full jitter, so retries of many messages do not arrive in lockstep. */
export function backoffMs(deliveryCount: number, retry: RetryPolicy, random = Math.random): number {
  const ceiling = Math.min(retry.maxBackoffMs, retry.initialBackoffMs * 2 ** (deliveryCount - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Pulls one message type from a durable JetStream consumer and runs a handler on each message.
 * Acks only after the handler succeeds; naks with backoff when it throws; dead-letters after
 * `maxDeliver` attempts, and at once when the message fails its schema or the handler's failure is
 * permanent (see classifyFailure): a retry cannot fix those.
 * Framework-free: the NestJS transport and the agent SDK both run on it.
 */
export class MessageWorker<T extends StreamMessageType> {
  readonly durable: string;
  readonly stats: WorkerStats = { acked: 0, retried: 0, deadLettered: { 'invalid-message': 0, 'max-deliveries-exceeded': 0, refused: 0 } };
  private readonly retry: RetryPolicy;
  private readonly concurrency: number;
  private readonly ackWaitMs: number;
  private readonly log: Log;
  private readonly inFlight = new Set<Promise<void>>();
  private loop?: Promise<void>;
  private stopping = false;
  /** Ends a wait for JetStream (creating the consumer again) when the worker stops. */
  private readonly stopped = new AbortController();

  constructor(
    private readonly connector: NatsConnector,
    private readonly publisher: MessagePublisher,
    private readonly options: WorkerOptions<T>,
  ) {
    this.durable = options.durable ?? `${options.service}-${options.type}`;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.concurrency = options.concurrency ?? 16;
    // Short, because a crashed instance holds its fetched messages this long; running handlers
    // keep theirs with in-progress acks, so a long task is not redelivered.
    this.ackWaitMs = options.ackWaitMs ?? 5_000;
    this.log = options.log ?? silentLog;
  }

  async start(): Promise<void> {
    this.loop = this.run(await this.consumer());
  }

  /**
   * Creates the durable consumer if it is missing, and a handle on it. A JetStream API call that times out is asked
   * again for up to a minute (creating the same consumer twice is a no-op): on a cluster that has just formed, or
   * is electing leaders, a replicated consumer's group can take longer to form than one API timeout.
   */
  private async consumer(): Promise<Consumer> {
    const spec = CATALOG[this.options.type];
    const ensure = async () =>
      ensureDurableConsumer(await this.connector.manager$(), {
        stream: spec.stream,
        durable: this.durable,
        filterSubject: subjectFilter(this.options.type, this.options.filterTokens, this.options.filterSender),
        ackWaitMs: this.ackWaitMs,
        maxAckPending: Math.max(1_000, this.concurrency * 8),
        inactiveThresholdMs: this.options.inactiveThresholdMs,
        fromNow: this.options.fromNow,
      });
    const signal = AbortSignal.any([this.stopped.signal, AbortSignal.timeout(CONSUMER_PATIENCE_MS)]);
    await persistently(`creating consumer ${this.durable}`, ensure, this.log, { retryIf: isJetStreamApiTimeout, signal });
    return (await this.connector.jetstream()).consumers.get(spec.stream, this.durable);
  }

  /**
   * Graceful stop: pull nothing more, let in-flight handlers finish and ack. A message that arrives
   * on the last open pull request is nak'd at once, so another instance takes it without waiting.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Pulls in batches no larger than the free handler slots, so every message this instance holds
   * is being handled: none sits in a buffer while its ack timer runs out. Each pull request is
   * left to expire rather than being abandoned, so the server never sends into a closed inbox.
   */
  private async run(initial: Consumer): Promise<void> {
    let consumer = initial;
    while (!this.stopping) {
      while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
      try {
        const batch = await consumer.fetch({ max_messages: this.concurrency - this.inFlight.size, expires: PULL_EXPIRES_MS });
        for await (const message of batch) {
          if (this.stopping) message.nak();
          else this.launch(message);
        }
      } catch (error) {
        // Typically a lost connection: nats.js reconnects; pull again after a pause.
        this.log.warn({ err: (error as Error).message, durable: this.durable }, 'pull failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, PULL_EXPIRES_MS));
        // The consumer may be gone (nats-server 2.9 can come back from a SIGKILL without a durable consumer, and a
        // stream re-created by bootstrap has none): nobody answers its pulls, and pulling would fail for ever.
        if (isConsumerMissing(error)) consumer = await this.consumer().catch(() => consumer);
      }
    }
  }

  private launch(message: JsMsg): void {
    const task: Promise<void> = this.process(message)
      .catch((error: Error) => this.log.error({ err: error, durable: this.durable }, 'message processing failed'))
      .finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  private async process(jsMsg: JsMsg): Promise<void> {
    const { deliveryCount } = jsMsg.info;
    const checked = checkDelivery(this.options.type, jsMsg.data, jsMsg.subject);
    if (!checked.ok) return checked.undecodable ? this.refuseInvalid(jsMsg, checked.error, checked.issues) : this.deadLetter(jsMsg, 'invalid-message', checked.error, checked.issues);
    if (deliveryCount > this.retry.maxDeliver) {
      // The previous attempts never answered (the process died or hung); do not try forever.
      return this.deadLetter(jsMsg, 'max-deliveries-exceeded', `no outcome after ${this.retry.maxDeliver} deliveries`);
    }
    // Long handlers keep their claim on the message instead of having it redelivered mid-work.
    const keepAlive = setInterval(() => jsMsg.working(), Math.max(500, this.ackWaitMs / 2));
    try {
      const { message } = checked;
      const attributes = { ...messageAttributes(message), 'agentos.service': this.options.service, 'messaging.delivery_count': deliveryCount };
      await inSpan(`handle ${message.type}`, SpanKind.CONSUMER, attributes, contextOf(message, jsMsg.headers), () =>
        this.options.handler(message, { deliveryCount, streamSequence: jsMsg.seq, subject: jsMsg.subject, headers: jsMsg.headers }),
      );
      clearInterval(keepAlive);
      // Not awaited (a round trip per message): an ack that is lost only means a redelivery, which every handler tolerates.
      jsMsg.ack();
      this.stats.acked += 1;
    } catch (error) {
      clearInterval(keepAlive);
      const failure = classifyFailure(error);
      if (failure.permanent) return this.deadLetter(jsMsg, failure.reason, failure.error);
      if (deliveryCount >= this.retry.maxDeliver) {
        return this.deadLetter(jsMsg, 'max-deliveries-exceeded', failure.error);
      }
      const delay = backoffMs(deliveryCount, this.retry);
      this.stats.retried += 1;
      this.log.warn({ durable: this.durable, id: checked.message.id, deliveryCount, retryInMs: delay, err: failure.error }, 'handler failed; will retry');
      jsMsg.nak(delay);
    }
  }

  /** Parks a message that fails its schema; a run-starting command's sender also hears why (rejectionOfInvalid). */
  private async refuseInvalid(jsMsg: JsMsg, error: string, issues: ValidationIssue[]): Promise<void> {
    const actor = this.options.identity?.actor ?? { kind: 'service' as const, id: this.options.service };
    const rejection = rejectionOfInvalid(this.options.type, jsMsg.data, jsMsg.subject, issues, actor);
    await this.deadLetter(jsMsg, 'invalid-message', error, issues);
    // Feedback only: the dead letter is the record, so a rejection that cannot be published is logged, not retried.
    if (rejection) await this.publisher.publish(rejection).catch((publishError: Error) => this.log.warn({ err: publishError, durable: this.durable }, 'rejection of an invalid message not published'));
  }

  private async deadLetter(jsMsg: JsMsg, reason: DeadLetterReason, error: string, issues?: { path: string; message: string }[]) {
    const letter = deadLetterFor({ service: this.options.service, consumer: this.durable, letterKey: this.options.letterKey, message: jsMsg, parkedBy: this.options.identity, reason, error, issues });
    try {
      await this.publisher.publish(letter);
    } catch (publishError) {
      // Parking failed: keep the message rather than lose it, and try again later.
      this.log.error({ err: publishError, durable: this.durable }, 'dead-letter publish failed; message kept');
      jsMsg.nak(this.retry.maxBackoffMs);
      return;
    }
    jsMsg.term();
    this.stats.deadLettered[reason] += 1;
    this.log.warn({ durable: this.durable, seq: jsMsg.seq, reason, error }, 'message dead-lettered');
  }
}
