import { CATALOG, isMessageType, type AnyMessage, type MessageType } from '@agentos/contracts';
import { CustomTransportStrategy, Server, type MessageHandler as NestHandler } from '@nestjs/microservices';
import { randomBytes } from 'node:crypto';
import { lastValueFrom } from 'rxjs';
import type { NatsConnector } from '../connection';
import { silentLog, type Log } from '../log';
import { FactView } from '../fact-view';
import { MessagePublisher } from '../publisher';
import { QueryResponder } from '../responder';
import { requireContractStreams } from '../stream-check';
import { MessageWorker, type Delivery, type RetryPolicy } from '../worker';
import { JetStreamContext } from './jetstream.context';

export interface JetStreamServerOptions {
  connector: NatsConnector;
  /** The service name: the durable consumer prefix and the queue group of its instances. */
  service: string;
  retry?: Partial<RetryPolicy>;
  concurrency?: number;
  ackWaitMs?: number;
  log?: Log;
  /**
   * Runs once the handlers have finished, before the connection is drained: the last words of the service on NATS
   * (handing its lease on, removing its replica entry). Nest's shutdown hooks run after close(), too late: the
   * connection is gone, and asking for it again opened a new one that nobody closed.
   */
  beforeDisconnect?: () => Promise<void>;
}

/** Per-handler settings, given as the second argument of `@EventPattern(type, extras)`. */
export interface HandlerExtras {
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  filterTokens?: Record<string, string>;
  /**
   * Every instance reads every message, from the start of the stream, through a consumer of its own
   * (`<service>-<type>-<instance>`, removed by the server once idle), instead of sharing the work: for a
   * view each instance must answer in full (observability's counts). One dead letter per message between them.
   * For a query: every instance answers it, for an asker that gathers the answers (MessagePublisher.requestAll).
   */
  everyInstance?: boolean;
  /** With everyInstance: only what is published from the instance's start on, not the stream's past (an event to act on, not to count). */
  fromNow?: boolean;
  /**
   * For a view each instance keeps whole in memory and acts on nothing (observability's counts): every message from
   * the start of the stream, in order, through an ordered consumer (FactView), nothing acknowledged and nothing
   * parked. Cheaper than everyInstance by an acknowledgement per message.
   */
  view?: boolean;
}

/** How long the server keeps an instance's own consumer after its last pull (the instance is gone by then). */
const INSTANCE_CONSUMER_IDLE_MS = 15 * 60_000;

interface Startable {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A NestJS transport over NATS JetStream. Each `@EventPattern('<MessageType>')` handler gets a
 * durable pull consumer on that type's subject (see MessageWorker for ack/retry/dead-letter), and
 * each `@MessagePattern('<QueryType>')` handler answers that query over request/reply.
 */
export class JetStreamServer extends Server implements CustomTransportStrategy {
  private readonly parts: Startable[] = [];
  private readonly log: Log;
  /** Names this process' own consumers (HandlerExtras.everyInstance). */
  private readonly instance = randomBytes(6).toString('hex');

  constructor(private readonly options: JetStreamServerOptions) {
    super();
    this.log = options.log ?? silentLog;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const { connector } = this.options;
      await requireContractStreams(await connector.manager$(), { replicas: connector.settings.replicas }, this.log);
      for (const [pattern, handler] of this.messageHandlers) this.parts.push(this.partFor(pattern, handler));
      await Promise.all(this.parts.map((part) => part.start()));
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Stops pulling, waits for in-flight handlers to finish and ack, says its last words (beforeDisconnect), then drains the connection. */
  async close(): Promise<void> {
    await Promise.all(this.parts.map((part) => part.stop()));
    this.parts.length = 0;
    await this.options.beforeDisconnect?.();
    await this.options.connector.close();
  }

  on(): void {
    // Connection status is logged by the connector; no transport-specific events to subscribe to.
  }

  unwrap<T>(): T {
    return this.options.connector as T;
  }

  private partFor(pattern: string, handler: NestHandler): Startable {
    if (!isMessageType(pattern)) {
      throw new Error(`handler pattern "${pattern}" is not a message type of the contracts catalog`);
    }
    const type: MessageType = pattern;
    const spec = CATALOG[type];
    const extras = (handler.extras ?? {}) as HandlerExtras;
    const { connector, service } = this.options;
    if (spec.kind === 'query') {
      if (handler.isEventHandler) throw new Error(`${type} is a query: handle it with @MessagePattern`);
      return new QueryResponder(connector, { service, type: type as never, log: this.log, everyInstance: extras.everyInstance, handler: (query) => this.invoke(handler, query as AnyMessage) as never });
    }
    if (!handler.isEventHandler) throw new Error(`${type} is stream-backed (${spec.kind}): handle it with @EventPattern`);
    if (extras.view) return new FactView(connector, new MessagePublisher(connector), { service, type: type as never, log: this.log, onFact: (message) => this.invoke(handler, message as AnyMessage) });
    return new MessageWorker(connector, new MessagePublisher(connector), {
      service,
      type: type as never,
      log: this.log,
      retry: { ...this.options.retry, ...extras.retry },
      concurrency: extras.concurrency ?? this.options.concurrency,
      ackWaitMs: this.options.ackWaitMs,
      filterTokens: extras.filterTokens,
      ...(extras.everyInstance ? { durable: `${service}-${type}-${this.instance}`, letterKey: `${service}-${type}`, inactiveThresholdMs: INSTANCE_CONSUMER_IDLE_MS, fromNow: extras.fromNow } : {}),
      handler: async (message, delivery) => {
        await this.invoke(handler, message as AnyMessage, delivery);
      },
    });
  }

  /** Runs a Nest handler (with its pipes, guards and filters) to completion; a throw rejects. */
  private async invoke(handler: NestHandler, message: AnyMessage, delivery?: Delivery): Promise<unknown> {
    const result = await handler(message, new JetStreamContext([message, delivery]));
    return lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }
}
