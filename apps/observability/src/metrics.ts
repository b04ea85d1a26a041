import type { AnyMessage, ReplyOf } from '@agentos/contracts';

const MAX_SAMPLES = 10_000;

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);

/**
 * Counters fed only by events off JetStream. This instance's view: the Prometheus export of the
 * observability issue aggregates across instances.
 */
export class Metrics {
  private readonly byType = new Map<string, number>();
  private readonly deadLetters = new Map<string, number>();
  private readonly submittedAt = new Map<string, number>();
  private readonly latencies: number[] = [];
  private readonly seen = new Set<string>();

  /** Counts a message once, whatever the redeliveries. */
  record(message: AnyMessage): void {
    if (this.seen.has(message.id)) return;
    this.seen.add(message.id);
    if (this.seen.size > MAX_SAMPLES * 10) this.seen.delete(this.seen.values().next().value as string);
    this.byType.set(message.type, (this.byType.get(message.type) ?? 0) + 1);
    switch (message.type) {
      case 'IntentSubmitted':
        this.submittedAt.set(message.payload.intentId, Date.parse(message.occurredAt));
        break;
      case 'IntentCompleted': {
        const started = this.submittedAt.get(message.payload.intentId);
        if (started !== undefined) {
          this.latencies.push(Date.parse(message.occurredAt) - started);
          if (this.latencies.length > MAX_SAMPLES) this.latencies.shift();
          this.submittedAt.delete(message.payload.intentId);
        }
        break;
      }
      case 'MessageDeadLettered':
        this.deadLetters.set(message.payload.reason, (this.deadLetters.get(message.payload.reason) ?? 0) + 1);
        break;
    }
  }

  snapshot(): ReplyOf<'GetMetrics'> {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const count = (type: string) => this.byType.get(type) ?? 0;
    return {
      messagesByType: Object.fromEntries(this.byType),
      intents: { submitted: count('IntentSubmitted'), completed: count('IntentCompleted'), rejected: count('IntentRejected'), failed: count('IntentFailed') },
      deadLetters: Object.fromEntries(this.deadLetters),
      intentLatencyMs: { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) },
    };
  }
}
