import { createMessage } from '@agentos/contracts';
import { JetStreamClientProxy } from '@agentos/messaging';
import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { Metrics } from './metrics';

const asked = { tenant: 'system', actor: { kind: 'service' as const, id: 'observability' } };

/**
 * Back-pressure as the orchestrator's scheduler sees it at each scrape: tasks queued (per target and
 * in total), tasks in flight, and circuit breakers that are not closed. Asked, not estimated: when
 * the orchestrator does not answer, these series are absent rather than stale.
 */
@Injectable()
export class QueueDepth {
  constructor(metrics: Metrics, bus: JetStreamClientProxy) {
    const scheduler = () => bus.query(createMessage('GetSchedulerState', {}, asked), 1_000).catch(() => undefined);
    let pending: ReturnType<typeof scheduler> | undefined;
    // One question per scrape, shared by the gauges below.
    const state = () => (pending ??= scheduler().finally(() => setTimeout(() => (pending = undefined), 100)));
    new Gauge({
      name: 'agentos_scheduler_tasks',
      help: 'Tasks queued in the scheduler or in flight on agents',
      labelNames: ['state'],
      registers: [metrics.registry],
      async collect() {
        this.reset();
        const snapshot = await state();
        if (!snapshot) return;
        this.set({ state: 'queued' }, snapshot.queued);
        this.set({ state: 'in_flight' }, snapshot.inFlight);
      },
    });
    new Gauge({
      name: 'agentos_queue_depth',
      help: 'Queued tasks per target (capability or agent)',
      labelNames: ['target'],
      registers: [metrics.registry],
      async collect() {
        this.reset();
        for (const [target, depth] of Object.entries((await state())?.queueDepth ?? {})) this.set({ target }, depth);
      },
    });
    new Gauge({
      name: 'agentos_circuit_breaker',
      help: 'Agent instances whose circuit breaker is open or half-open (1)',
      labelNames: ['instance', 'state'],
      registers: [metrics.registry],
      async collect() {
        this.reset();
        for (const breaker of (await state())?.breakers ?? []) if (breaker.state !== 'closed') this.set({ instance: breaker.instanceId, state: breaker.state }, 1);
      },
    });
  }
}
