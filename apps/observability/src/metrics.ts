import type { AnyMessage, ReplyOf, Spending } from '@agentos/contracts';
import { Counter, Histogram, Registry } from 'prom-client';
import { failureReason } from './failure-reason';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const REMEMBERED = 100_000;

const quantile = (buckets: { le: number; count: number }[], total: number, q: number) => {
  const rank = q * total;
  return buckets.find((b) => b.count >= rank)?.le ?? Number.POSITIVE_INFINITY;
};

/**
 * Prometheus metrics fed only by events off JetStream. Every instance counts every fact (its own
 * consumers read the streams from their start), so instances agree: aggregate them with max(), not sum().
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly messages = new Counter({ name: 'agentos_messages_total', help: 'Messages observed, by type', labelNames: ['type'], registers: [this.registry] });
  private readonly intents = new Counter({ name: 'agentos_intents_total', help: 'Intents by outcome', labelNames: ['outcome'], registers: [this.registry] });
  private readonly tasks = new Counter({ name: 'agentos_tasks_total', help: 'Finished tasks by agent and outcome', labelNames: ['agent', 'outcome'], registers: [this.registry] });
  private readonly denials = new Counter({ name: 'agentos_policy_denials_total', help: 'Policy denials by rule', labelNames: ['rule', 'action'], registers: [this.registry] });
  private readonly deadLetters = new Counter({ name: 'agentos_dead_letters_total', help: 'Dead-lettered messages by reason and service', labelNames: ['reason', 'service'], registers: [this.registry] });
  private readonly spent = new Counter({ name: 'agentos_usage_total', help: 'Reported usage by metric and tenant', labelNames: ['metric', 'tenant'], registers: [this.registry] });
  private readonly budgets = new Counter({ name: 'agentos_budgets_exhausted_total', help: 'Budgets spent, by scope and metric', labelNames: ['scope', 'metric'], registers: [this.registry] });
  private readonly workflows = new Counter({ name: 'agentos_workflows_total', help: 'Workflow runs by outcome', labelNames: ['outcome'], registers: [this.registry] });
  private readonly failures = new Counter({ name: 'agentos_run_failures_total', help: 'Failed intents and workflows, by kind of run and kind of reason', labelNames: ['run', 'reason'], registers: [this.registry] });
  private readonly steps = new Counter({ name: 'agentos_steps_total', help: 'Workflow steps by outcome (retried: an attempt failed and another is scheduled)', labelNames: ['outcome'], registers: [this.registry] });
  private readonly dropped = new Counter({ name: 'agentos_agent_instances_dropped_total', help: 'Agent instances declared down (silent or left), by agent', labelNames: ['agent'], registers: [this.registry] });
  private readonly circuits = new Counter({ name: 'agentos_circuit_transitions_total', help: 'Circuit breaker state changes, by agent and new state', labelNames: ['agent', 'to'], registers: [this.registry] });
  private readonly toDecision = new Histogram({ name: 'agentos_intent_decision_seconds', help: 'Intent submitted to policy decision', buckets: SECONDS, registers: [this.registry] });
  private readonly toCompletion = new Histogram({ name: 'agentos_intent_completion_seconds', help: 'Intent submitted to completion', buckets: SECONDS, registers: [this.registry] });
  private readonly submittedAt = new Map<string, number>();
  private readonly seen = new Set<string>();

  /** Counts a message once, whatever the redeliveries. */
  record(message: AnyMessage): void {
    if (this.seen.has(message.id)) return;
    this.seen.add(message.id);
    if (this.seen.size > REMEMBERED) this.seen.delete(this.seen.values().next().value as string);
    this.messages.inc({ type: message.type });
    const at = Date.parse(message.occurredAt);
    switch (message.type) {
      case 'IntentSubmitted':
        this.submittedAt.set(message.payload.intentId, at);
        if (this.submittedAt.size > REMEMBERED) this.submittedAt.delete(this.submittedAt.keys().next().value as string);
        break;
      case 'PolicyDecided':
        if (message.payload.action === 'intent.submit' && message.payload.intentId) this.observe(this.toDecision, message.payload.intentId, at, false);
        if (message.payload.effect === 'deny') this.denials.inc({ rule: message.payload.rule ?? '(default deny)', action: message.payload.action });
        break;
      case 'IntentCompleted':
      case 'IntentRejected':
      case 'IntentFailed':
        this.intents.inc({ outcome: message.type.replace('Intent', '').toLowerCase() });
        if (message.type === 'IntentCompleted') this.observe(this.toCompletion, message.payload.intentId, at, true);
        if (message.type === 'IntentFailed') this.failures.inc({ run: 'intent', reason: failureReason(message.payload.reason) });
        break;
      case 'TaskCompleted':
      case 'TaskFailed':
        this.tasks.inc({ agent: `${message.payload.agent}@${message.payload.agentVersion}`, outcome: message.type === 'TaskCompleted' ? 'completed' : 'failed' });
        // A completion charges what the task had not reported yet (the step itself).
        if (message.type === 'TaskCompleted' && message.payload.usage) this.countSpending(message.tenant, message.payload.usage);
        break;
      case 'WorkflowCompleted':
      case 'WorkflowRejected':
      case 'WorkflowFailed':
        this.workflows.inc({ outcome: message.type.replace('Workflow', '').toLowerCase() });
        if (message.type === 'WorkflowFailed') this.failures.inc({ run: 'workflow', reason: failureReason(message.payload.reason) });
        break;
      case 'StepCompleted':
      case 'StepFailed':
      case 'StepSkipped':
      case 'StepRetryScheduled':
        this.steps.inc({ outcome: { StepCompleted: 'completed', StepFailed: 'failed', StepSkipped: 'skipped', StepRetryScheduled: 'retried' }[message.type] });
        break;
      case 'AgentInstanceDropped':
        this.dropped.inc({ agent: message.payload.name });
        break;
      case 'CircuitStateChanged':
        this.circuits.inc({ agent: message.payload.agent, to: message.payload.to });
        break;
      case 'UsageRecorded':
        this.countSpending(message.tenant, message.payload);
        break;
      case 'BudgetExhausted':
        this.budgets.inc({ scope: message.payload.scope, metric: message.payload.metric });
        break;
      case 'MessageDeadLettered':
        this.deadLetters.inc({ reason: message.payload.reason, service: message.payload.service });
        break;
    }
  }

  private countSpending(tenant: string, spending: Spending): void {
    for (const metric of ['tokens', 'cost', 'steps'] as const) if (spending[metric] > 0) this.spent.inc({ metric, tenant }, spending[metric]);
  }

  private observe(histogram: Histogram, intentId: string, at: number, done: boolean): void {
    const started = this.submittedAt.get(intentId);
    if (started === undefined) return;
    histogram.observe(Math.max(0, at - started) / 1000);
    if (done) this.submittedAt.delete(intentId);
  }

  /** The JSON form of the same numbers, for the GetMetrics query and the dashboard. */
  async snapshot(): Promise<ReplyOf<'GetMetrics'>> {
    const json = await this.registry.getMetricsAsJSON();
    const values = (name: string) => json.find((m) => m.name === name)?.values ?? [];
    /** A counter summed over its other labels, keyed by one label. */
    const byLabel = (name: string, label: string) => {
      const sums: Record<string, number> = {};
      for (const { labels, value } of values(name)) sums[String(labels[label])] = (sums[String(labels[label])] ?? 0) + Number(value);
      return sums;
    };
    const intents = byLabel('agentos_intents_total', 'outcome');
    // Histogram values carry their series name (…_bucket, …_count) beside the labels.
    const completion = values('agentos_intent_completion_seconds') as { metricName?: string; labels: Record<string, string | number>; value: number }[];
    const count = Number(completion.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0);
    const buckets = completion.filter((v) => v.metricName?.endsWith('_bucket')).map((v) => ({ le: Number(v.labels.le), count: Number(v.value) }));
    const ms = (q: number) => (count === 0 ? 0 : Math.round(quantile(buckets, count, q) * 1000));
    return {
      messagesByType: byLabel('agentos_messages_total', 'type'),
      intents: { submitted: byLabel('agentos_messages_total', 'type').IntentSubmitted ?? 0, completed: intents.completed ?? 0, rejected: intents.rejected ?? 0, failed: intents.failed ?? 0 },
      workflows: byLabel('agentos_workflows_total', 'outcome'),
      droppedInstances: byLabel('agentos_agent_instances_dropped_total', 'agent'),
      deadLetters: byLabel('agentos_dead_letters_total', 'reason'),
      failures: byLabel('agentos_run_failures_total', 'reason'),
      intentLatencyMs: { count, p50: ms(0.5), p95: ms(0.95), p99: ms(0.99) },
    };
  }
}

