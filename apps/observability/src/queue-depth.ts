import { JetStreamClientProxy, type NatsConnector } from '@agentos/messaging';
import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { Metrics } from './metrics';

const AGENT_DURABLE = /^agent-(.+)$/;

/**
 * Work waiting per agent (its tasks not yet delivered, plus delivered and not yet acknowledged), read
 * from JetStream's consumer state at each scrape, so the number is the broker's, not an estimate.
 */
@Injectable()
export class QueueDepth {
  constructor(metrics: Metrics, bus: JetStreamClientProxy) {
    const connector = bus.unwrap<NatsConnector>();
    new Gauge({
      name: 'agentos_queue_depth',
      help: 'Tasks waiting or in flight, per agent',
      labelNames: ['agent', 'state'],
      registers: [metrics.registry],
      async collect() {
        this.reset();
        const jsm = await connector.manager$();
        for await (const consumer of jsm.consumers.list('AGENTOS_TASKS')) {
          const agent = AGENT_DURABLE.exec(consumer.name)?.[1];
          if (!agent) continue;
          this.set({ agent, state: 'waiting' }, consumer.num_pending);
          this.set({ agent, state: 'in_flight' }, consumer.num_ack_pending);
        }
      },
    });
  }
}
