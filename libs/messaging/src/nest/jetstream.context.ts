import type { AnyMessage } from '@agentos/contracts';
import { BaseRpcContext } from '@nestjs/microservices';
import type { Delivery } from '../worker';

/** What a handler can learn about the delivery besides the message: `@Ctx() ctx: JetStreamContext`. */
export class JetStreamContext extends BaseRpcContext<[AnyMessage, Delivery | undefined]> {
  getMessage(): AnyMessage {
    return this.args[0];
  }

  /** Undefined for queries, which arrive over request/reply rather than from a stream. */
  getDelivery(): Delivery | undefined {
    return this.args[1];
  }
}
