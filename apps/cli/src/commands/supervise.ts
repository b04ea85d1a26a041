import { createMessage, decodeMessage, type AnyMessage } from '@agentos/contracts';
import type { Output } from '../output';
import type { Session } from '../session';
import { watchAll } from '../follow';

/** Publishes a command and waits for the events that answer it (or gives up after the timeout). */
async function commandAndWait(session: Session, command: AnyMessage, answers: (message: AnyMessage) => boolean, expected: number, timeoutSeconds: number): Promise<AnyMessage[]> {
  const watch = await watchAll(session);
  const timer = setTimeout(() => watch.unsubscribe(), timeoutSeconds * 1000);
  await session.client.publishMessage(command);
  const seen: AnyMessage[] = [];
  for await (const raw of watch) {
    const parsed = decodeMessage(raw.data);
    if (!parsed.ok || !answers(parsed.message)) continue;
    seen.push(parsed.message);
    if (seen.length >= expected || parsed.message.type === 'SpawnAgentRefused') break;
  }
  clearTimeout(timer);
  watch.unsubscribe();
  return seen;
}

export async function agentsSpawn(session: Session, template: string, count: number, timeoutSeconds: number, out: Output): Promise<number> {
  const command = createMessage('SpawnAgent', { template, count }, session.origin);
  const since = Date.parse(command.occurredAt);
  const answers = (m: AnyMessage) =>
    (m.type === 'SpawnAgentRefused' && m.causationId === command.id) || (m.type === 'AgentSpawned' && m.payload.template === template && m.payload.restarts === 0 && Date.parse(m.occurredAt) >= since - 1_000);
  const seen = await commandAndWait(session, command, answers, count, timeoutSeconds);
  const refused = seen.find((m) => m.type === 'SpawnAgentRefused');
  if (refused) throw new Error(`spawn refused: ${(refused.payload as { reason: string }).reason}`);
  for (const m of seen) out.line(`spawned ${(m.payload as { instanceId: string }).instanceId} (pid ${(m.payload as { pid: number }).pid})`);
  out.data(seen.map((m) => m.payload));
  if (seen.length < count) throw new Error(`only ${seen.length} of ${count} instances reported within ${timeoutSeconds} s (is an orchestrator running?)`);
  return 0;
}

export async function agentsTerminate(session: Session, instanceId: string, reason: string, timeoutSeconds: number, out: Output): Promise<number> {
  const command = createMessage('TerminateAgent', { instanceId, reason }, session.origin);
  const seen = await commandAndWait(session, command, (m) => m.type === 'AgentTerminated' && m.payload.instanceId === instanceId, 1, timeoutSeconds);
  if (seen.length === 0) throw new Error(`no supervisor terminated ${instanceId} within ${timeoutSeconds} s (unknown instance, or not started by a supervisor)`);
  out.line(`terminated ${instanceId}: ${reason}`);
  out.data(seen[0].payload);
  return 0;
}
