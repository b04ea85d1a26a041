import type { AgentDefinition } from '@agentos/agent-sdk';
import { asRecorded, type MessageOf } from '@agentos/contracts';
import type { RecordedEvent } from '@agentos/event-store';
import canonicalize from 'canonicalize';
import { CallDivergence, replayContext } from './replay-context';

export interface AgentDivergence {
  /** Revision of the recorded outcome whose re-run differs. */
  revision: number;
  taskId: string;
  stepId: string;
  attempt: number;
  agent: string;
  reason: string;
}

export interface AgentReExecution {
  tasks: number;
  /** Outcomes of agents not given to the replay (not re-run). */
  skipped: string[];
  divergence?: AgentDivergence;
}

const asJson = (value: unknown) => canonicalize(asRecorded(value ?? null));
const same = (a: unknown, b: unknown) => asJson(a) === asJson(b);

/**
 * Runs the agents' code again on every recorded task outcome of a history, against the recorded
 * answers of its model, tool, memory and policy calls: the first call asked differently, or an
 * output or failure that differs, is the divergence (a regression finder when agent code changed).
 */
export async function reExecuteAgents(records: readonly RecordedEvent[], agents: Readonly<Record<string, AgentDefinition<never, unknown>>>): Promise<AgentReExecution> {
  const events = records.map((r) => r.event);
  const assignments = new Map(events.filter((e) => e.type === 'TaskAssigned').map((e) => [`${(e as MessageOf<'TaskAssigned'>).payload.taskId}/${(e as MessageOf<'TaskAssigned'>).payload.attempt}`, e as MessageOf<'TaskAssigned'>]));
  const result: AgentReExecution = { tasks: 0, skipped: [] };
  for (const [index, event] of events.entries()) {
    if (event.type !== 'TaskCompleted' && event.type !== 'TaskFailed') continue;
    const outcome = event as MessageOf<'TaskCompleted'> | MessageOf<'TaskFailed'>;
    const { taskId, attempt, stepId, agent: name, calls } = outcome.payload;
    const agent = agents[name];
    const assigned = assignments.get(`${taskId}/${attempt}`);
    if (!agent || !assigned) {
      result.skipped.push(`${stepId}@${attempt} (${name})`);
      continue;
    }
    result.tasks += 1;
    const divergence = (reason: string): AgentReExecution => ({ ...result, divergence: { revision: records[index].revision, taskId, stepId, attempt, agent: name, reason } });
    const input = calls.find((c) => c.kind === 'input')?.response ?? assigned.payload.input;
    const { ctx, used } = replayContext(assigned.payload, assigned.tenant, calls);
    let produced: { ok: true; output: unknown } | { ok: false; error: Error };
    try {
      produced = { ok: true, output: await agent.handle(input as never, ctx) };
    } catch (error) {
      if (error instanceof CallDivergence) return divergence(error.message);
      produced = { ok: false, error: error as Error };
    }
    const unused = calls.length - used();
    if (unused > 0) return divergence(`made ${used() - 1} of the ${calls.length - 1} recorded calls; next unmade: ${calls[used()].kind}.${calls[used()].name}`);
    if (outcome.type === 'TaskCompleted') {
      if (!produced.ok) return divergence(`recorded output ${canonicalize(outcome.payload.output)}, now it throws: ${produced.error.message}`);
      if (!same(produced.output, outcome.payload.output)) return divergence(`recorded output ${canonicalize(outcome.payload.output)}, now ${asJson(produced.output)}`);
    } else if (produced.ok) {
      // A failure outside the handler (screening, cancellation, bad input) is not the code's to reproduce.
      if (calls.length > 0) return divergence(`recorded failure "${(outcome as MessageOf<'TaskFailed'>).payload.error}", now it returns ${asJson(produced.output)}`);
    }
  }
  return result;
}

/** Agent definitions from a module: an array, a record, or named exports that look like agents. */
export function agentsOf(module: Record<string, unknown>): Record<string, AgentDefinition<never, unknown>> {
  const found: AgentDefinition<never, unknown>[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object' && typeof (value as { handle?: unknown }).handle === 'function' && typeof (value as { name?: unknown }).name === 'string') found.push(value as AgentDefinition<never, unknown>);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(module);
  return Object.fromEntries(found.map((agent) => [agent.name, agent]));
}
