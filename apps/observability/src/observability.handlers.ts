import type { MessageOf, ReplyOf } from '@agentos/contracts';
import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Metrics } from './metrics';

/** Observes; never publishes into the flow, so it can neither block nor slow it. */
@Controller()
export class ObservabilityHandlers {
  constructor(private readonly metrics: Metrics) {}

  @EventPattern('IntentSubmitted')
  intentSubmitted(@Payload() message: MessageOf<'IntentSubmitted'>) {
    this.metrics.record(message);
  }

  @EventPattern('IntentCompleted')
  intentCompleted(@Payload() message: MessageOf<'IntentCompleted'>) {
    this.metrics.record(message);
  }

  @EventPattern('IntentRejected')
  intentRejected(@Payload() message: MessageOf<'IntentRejected'>) {
    this.metrics.record(message);
  }

  @EventPattern('IntentFailed')
  intentFailed(@Payload() message: MessageOf<'IntentFailed'>) {
    this.metrics.record(message);
  }

  @EventPattern('MessageDeadLettered')
  deadLettered(@Payload() message: MessageOf<'MessageDeadLettered'>) {
    this.metrics.record(message);
  }

  @MessagePattern('GetMetrics')
  snapshot(): ReplyOf<'GetMetrics'> {
    return this.metrics.snapshot();
  }
}
