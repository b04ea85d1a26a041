import type { AnyMessage, MessageOf, QueryType, ReplyOf } from '@agentos/contracts';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { NatsConnector } from '../connection';
import { Lazy } from '../lazy';
import { MessagePublisher, type PublishReceipt } from '../publisher';
import { requireContractStreams } from '../stream-check';

/**
 * The NestJS client side of the transport. `emit(type, message)` publishes a stream-backed message
 * (de-duplicated by its id); `send(type, query)` asks a query. Services mostly call the typed
 * `publishMessage` / `publishAll` / `query`, which do the same without Observables.
 */
export class JetStreamClientProxy extends ClientProxy {
  private readonly publisher: MessagePublisher;
  private readonly ready = new Lazy(async () => requireContractStreams(await this.connector.manager$(), { replicas: this.connector.settings.replicas }, this.connector.log));

  constructor(private readonly connector: NatsConnector) {
    super();
    this.publisher = new MessagePublisher(connector);
  }

  /** Connects and checks that the streams exist (see requireStream), so a publisher may start before any service. */
  connect(): Promise<void> {
    return this.ready.get();
  }

  async close(): Promise<void> {
    this.ready.reset();
    await this.connector.close();
  }

  unwrap<T>(): T {
    return this.connector as T;
  }

  async publishMessage(message: AnyMessage): Promise<PublishReceipt> {
    await this.connect();
    return this.publisher.publish(message);
  }

  async publishAll(messages: readonly AnyMessage[]): Promise<PublishReceipt[]> {
    await this.connect();
    return this.publisher.publishAll(messages);
  }

  async query<T extends QueryType>(message: MessageOf<T>, timeoutMs?: number): Promise<ReplyOf<T>> {
    return this.publisher.request(message, timeoutMs);
  }

  /** The replies of every instance that answers the query (see MessagePublisher.requestAll). */
  queryAll<T extends QueryType>(message: MessageOf<T>, options: { expected: number; timeoutMs?: number }): Promise<ReplyOf<T>[]> {
    return this.publisher.requestAll(message, options);
  }

  protected async dispatchEvent<T = PublishReceipt>(packet: ReadPacket<AnyMessage>): Promise<T> {
    this.assertPatternMatches(packet);
    return (await this.publishMessage(packet.data)) as T;
  }

  protected publish(packet: ReadPacket<AnyMessage>, callback: (packet: WritePacket) => void): () => void {
    this.assertPatternMatches(packet);
    this.publisher
      .request(packet.data as MessageOf<QueryType>)
      .then((response) => callback({ response, isDisposed: true }))
      .catch((error: Error) => callback({ err: error.message, isDisposed: true }));
    return () => undefined;
  }

  private assertPatternMatches(packet: ReadPacket<AnyMessage>): void {
    if (packet.pattern !== packet.data?.type) {
      throw new Error(`pattern "${String(packet.pattern)}" does not match message type "${packet.data?.type}"`);
    }
  }
}
