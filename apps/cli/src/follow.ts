import { watchFacts, type Watch } from '@agentos/client';
import { CATALOG, decodeMessage, type AnyMessage } from '@agentos/contracts';
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

/** The CLI's principal's watch over the facts it may hear (libs/client watchFacts). */
export async function watchAll(session: Session): Promise<Watch> {
  return watchFacts(await session.connector.connection$(), session.settings.tenant);
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
