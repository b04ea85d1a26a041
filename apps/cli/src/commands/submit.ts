import { SubmitIntent, createMessage, newId, parseYamlDocument, type AnyMessage } from '@agentos/contracts';
import { readFileSync } from 'node:fs';
import { follow, watchAll } from '../follow';
import type { Output } from '../output';
import type { Session } from '../session';

/** An intent file: SubmitIntent without the id, which the CLI assigns. */
const IntentFile = SubmitIntent.omit({ intentId: true }).extend({ intentId: SubmitIntent.shape.intentId.optional() });

function describe(message: AnyMessage): string {
  const p = message.payload as Record<string, unknown>;
  switch (message.type) {
    case 'PolicyDecided':
      return `${p.action}: ${p.effect} (${p.rule ?? 'default'}: ${p.reason})`;
    case 'TaskAssigned':
      return `→ ${p.agent}@${p.agentVersion} on ${p.instanceId}`;
    case 'StepRetryScheduled':
      return `attempt ${p.attempt} in ${p.delayMs} ms after: ${p.error}`;
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
  const watch = await watchAll(session);
  await session.client.publishMessage(command);
  out.line(`submitted intent ${command.payload.intentId} (${command.payload.capability}) as ${session.settings.user}@${session.settings.tenant}`);
  out.data({ submitted: command.payload.intentId });
  if (!options.follow) {
    watch.unsubscribe();
    return 0;
  }
  const outcome = await follow(watch, command.correlationId, { settled: ['IntentCompleted', 'IntentRejected', 'IntentFailed'], describe, timeoutSeconds: options.timeoutSeconds, what: `intent ${command.payload.intentId}` }, out);
  return outcome.type === 'IntentCompleted' ? 0 : 1;
}
