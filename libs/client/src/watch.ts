import { CATALOG, SYSTEM_TENANT, subjectFilter, type MessageType } from '@agentos/contracts';
import type { Msg, NatsConnection } from 'nats';

/** Messages heard on one or more subscriptions, as one stream; unsubscribing ends it. */
export interface Watch extends AsyncIterable<Msg> {
  unsubscribe(): void;
}

/**
 * Subscribe before publishing, so no step is missed. The platform hears everything; a tenant's principal may
 * subscribe only to its tenant's and the platform's facts (its NATS permissions), so it listens to each of those.
 */
export function watchFacts(nc: NatsConnection, tenant: string): Watch {
  if (tenant === SYSTEM_TENANT) return nc.subscribe('agentos.>');
  const facts = (Object.keys(CATALOG) as MessageType[]).filter((type) => CATALOG[type].kind === 'event');
  // Its own tenant's facts and the platform's (an agent spawned, an instance dropped): all a tenant's principal may hear.
  return merged(nc, facts.flatMap((type) => [tenant, SYSTEM_TENANT].map((from) => subjectFilter(type, {}, { tenant: from }))));
}

function merged(nc: NatsConnection, subjects: string[]): Watch {
  const queue: Msg[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  const subscriptions = subjects.map((subject) =>
    nc.subscribe(subject, {
      callback: (error, msg) => {
        if (!error) queue.push(msg);
        wake?.();
      },
    }),
  );
  return {
    unsubscribe() {
      ended = true;
      subscriptions.forEach((subscription) => subscription.unsubscribe());
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      while (!ended || queue.length > 0) {
        const next = queue.shift();
        if (next) yield next;
        else if (!ended) await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}
