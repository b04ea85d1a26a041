import { subjectFilter, type MessageOf, type Sender, type StreamMessageType } from '@agentos/contracts';
import type { NatsConnection, Subscription } from 'nats';
import { checkDelivery } from './delivery-check';

/**
 * A plain (core NATS) subscription to one fact, for followers that keep a view (kill switches, budgets): only
 * well-formed messages whose envelope agrees with their sender tokens reach the callback, the rest are dropped
 * (the fact's durable consumers dead-letter them).
 */
export function followFacts<T extends StreamMessageType>(nc: NatsConnection, type: T, onFact: (message: MessageOf<T>) => void, sender: Sender = {}): Subscription {
  return nc.subscribe(subjectFilter(type, {}, sender), {
    callback: (error, msg) => {
      if (error) return;
      const checked = checkDelivery(type, msg.data, msg.subject);
      if (checked.ok) onFact(checked.message);
    },
  });
}
