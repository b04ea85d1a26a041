import { CATALOG, SYSTEM_TENANT, decodeMessage, subjectFilter, type AnyMessage, type MessageType } from '@agentos/contracts';
import type { Msg, NatsConnection } from 'nats';
import type { Output } from './output';
import type { Session } from './session';

export interface FollowOptions {
  /** Event types that end the run. */
  settled: readonly string[];
  describe(message: AnyMessage): string;
  timeoutSeconds: number;
  what: string;
  /** Called every couple of seconds while nothing settles (e.g. to show why a step waits). */
  idle?: () => Promise<void>;
}

/** Messages heard on one or more subscriptions, as one stream; unsubscribing ends it. */
export interface Watch extends AsyncIterable<Msg> {
  unsubscribe(): void;
}

/**
 * Subscribe before publishing, so no step is missed. The platform hears everything; a tenant's principal may
 * subscribe only to its tenant's and the platform's facts (its NATS permissions), so it listens to each of those.
 */
export async function watchAll(session: Session): Promise<Watch> {
  const nc = await session.connector.connection$();
  const { tenant } = session.settings;
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

/**
 * Prints every event of one conversation (by correlation id) as it happens, until one of the
 * settling events arrives; resolves to it.
 */
export async function follow(watch: Watch, correlationId: string, options: FollowOptions, out: Output): Promise<AnyMessage> {
  const started = Date.now();
  const timer = setTimeout(() => watch.unsubscribe(), options.timeoutSeconds * 1000);
  const idle = options.idle ? setInterval(() => void options.idle!().catch(() => undefined), 2_000) : undefined;
  let outcome: AnyMessage | undefined;
  try {
    for await (const raw of watch) {
      if (raw.subject.startsWith('agentos.query') || raw.subject.startsWith(`${CATALOG.DecisionInputRecorded.subject}.`)) continue;
      const parsed = decodeMessage(raw.data);
      if (!parsed.ok || parsed.message.correlationId !== correlationId) continue;
      const message = parsed.message;
      out.line(`${String(Date.now() - started).padStart(6)} ms  ${message.actor.id.padEnd(20)} ${message.type.padEnd(22)} ${options.describe(message)}`);
      out.data({ event: message.type, by: message.actor.id, id: message.id, payload: message.payload });
      if (options.settled.includes(message.type)) {
        outcome = message;
        break;
      }
    }
  } finally {
    clearTimeout(timer);
    clearInterval(idle);
    watch.unsubscribe();
  }
  if (!outcome) throw new Error(`${options.what} did not settle within ${options.timeoutSeconds} s (it may still complete: agentos replay ${correlationId})`);
  out.data({ outcome: outcome.type, payload: outcome.payload });
  return outcome;
}
