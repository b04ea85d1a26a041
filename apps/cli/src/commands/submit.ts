import { CATALOG, SubmitIntent, createMessage, decodeMessage, newId, parseYamlDocument, type AnyMessage } from '@agentos/contracts';
import { readFileSync } from 'node:fs';
import type { Output } from '../output';
import type { Session } from '../session';

const SETTLED = ['IntentCompleted', 'IntentRejected', 'IntentFailed'];
/** An intent file: SubmitIntent without the id, which the CLI assigns. */
const IntentFile = SubmitIntent.omit({ intentId: true }).extend({ intentId: SubmitIntent.shape.intentId.optional() });

function describe(message: AnyMessage): string {
  const p = message.payload as Record<string, unknown>;
  switch (message.type) {
    case 'PolicyDecided':
      return `${p.action}: ${p.effect} (${p.rule ?? 'default'}: ${p.reason})`;
    case 'TaskAssigned':
      return `→ ${p.agent}@${p.agentVersion}`;
    case 'IntentCompleted':
      return `output ${JSON.stringify(p.output)}`;
    case 'IntentRejected':
    case 'IntentFailed':
      return String(p.reason);
    default:
      return '';
  }
}

/** Publishes an intent and follows it live; resolves to the exit code (0 only when it completed). */
export async function submit(session: Session, file: string, options: { follow: boolean; timeoutSeconds: number }, out: Output): Promise<number> {
  const intent = parseYamlDocument(readFileSync(file, 'utf8'), IntentFile, file);
  const command = createMessage('SubmitIntent', { ...intent, intentId: intent.intentId ?? newId() }, session.origin);
  const nc = await session.connector.connection$();
  const started = Date.now();
  // Subscribe before publishing, so no step is missed.
  const watch = nc.subscribe('agentos.>');
  await session.client.publishMessage(command);
  out.line(`submitted intent ${command.payload.intentId} (${command.payload.capability}) as ${session.settings.user}@${session.settings.tenant}`);
  out.data({ submitted: command.payload.intentId });
  if (!options.follow) {
    watch.unsubscribe();
    return 0;
  }
  const timer = setTimeout(() => watch.unsubscribe(), options.timeoutSeconds * 1000);
  let outcome: AnyMessage | undefined;
  for await (const raw of watch) {
    if (raw.subject.startsWith('agentos.query') || raw.subject === CATALOG.DecisionInputRecorded.subject) continue;
    const parsed = decodeMessage(raw.data);
    if (!parsed.ok || parsed.message.correlationId !== command.correlationId) continue;
    const message = parsed.message;
    out.line(`${String(Date.now() - started).padStart(6)} ms  ${message.actor.id.padEnd(20)} ${message.type.padEnd(22)} ${describe(message)}`);
    out.data({ event: message.type, by: message.actor.id, id: message.id, payload: message.payload });
    if (SETTLED.includes(message.type)) {
      outcome = message;
      break;
    }
  }
  clearTimeout(timer);
  watch.unsubscribe();
  if (!outcome) throw new Error(`intent ${command.payload.intentId} did not settle within ${options.timeoutSeconds} s (it may still complete: agentos replay ${command.payload.intentId})`);
  out.data({ outcome: outcome.type, payload: outcome.payload });
  return outcome.type === 'IntentCompleted' ? 0 : 1;
}
