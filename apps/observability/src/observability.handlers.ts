import type { AnyMessage, ReplyOf } from '@agentos/contracts';
import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Metrics } from './metrics';

/** The facts the metrics are built from; each gets its own durable consumer. */
const OBSERVED = ['IntentSubmitted', 'PolicyDecided', 'IntentCompleted', 'IntentRejected', 'IntentFailed', 'TaskCompleted', 'TaskFailed', 'UsageRecorded', 'BudgetExhausted', 'MessageDeadLettered'];

/** Observes; never publishes into the flow, so it can neither block nor slow it. */
@Controller()
export class ObservabilityHandlers {
  constructor(private readonly metrics: Metrics) {}

  @EventPattern(OBSERVED)
  observe(@Payload() message: AnyMessage) {
    this.metrics.record(message);
  }

  @MessagePattern('GetMetrics')
  snapshot(): Promise<ReplyOf<'GetMetrics'>> {
    return this.metrics.snapshot();
  }
}
