import type { AnyMessage, ReplyOf } from '@agentos/contracts';
import type { HandlerExtras } from '@agentos/messaging';
import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { LiveFeed } from './dashboard/live-feed';
import { Metrics } from './metrics';
import { MetricsByTenant } from './metrics-by-tenant';

/**
 * The facts the metrics are built from. Every replica reads all of them from the start of their streams (an ordered
 * consumer per type and instance: HandlerExtras.view), so each holds the whole count: any replica answers
 * GetMetrics, and the dashboard, in full. Replicas add availability, not throughput.
 */
const OBSERVED = [
  ...['IntentSubmitted', 'PolicyDecided', 'ApprovalRequested', 'IntentApproved', 'IntentCompleted', 'IntentRejected', 'IntentFailed'],
  ...['WorkflowStarted', 'WorkflowCompleted', 'WorkflowFailed', 'WorkflowRejected', 'StepCompleted', 'StepFailed', 'StepSkipped', 'StepRetryScheduled'],
  ...['TaskQueued', 'TaskAssigned', 'TaskCompleted', 'TaskFailed', 'TaskExpired', 'CircuitStateChanged', 'AgentInstanceDropped'],
  ...['UsageRecorded', 'BudgetExhausted', 'MessageDeadLettered'],
];

/** Observes; never publishes into the flow, so it can neither block nor slow it. */
@Controller()
export class ObservabilityHandlers {
  constructor(private readonly metrics: Metrics, private readonly byTenant: MetricsByTenant, private readonly feed: LiveFeed) {}

  @EventPattern(OBSERVED, { view: true } satisfies HandlerExtras)
  observe(@Payload() message: AnyMessage) {
    this.metrics.record(message);
    this.byTenant.record(message);
    this.feed.observe(message);
  }

  @MessagePattern('GetMetrics')
  snapshot(): Promise<ReplyOf<'GetMetrics'>> {
    return this.metrics.snapshot();
  }
}
