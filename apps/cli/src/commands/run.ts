import { Priority, createMessage, newId, parseYamlDocument, type AnyMessage } from '@agentos/contracts';
import { parseWorkflowDocument } from '@agentos/workflow';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { follow, watchAll } from '../follow';
import type { Output } from '../output';
import type { Session } from '../session';

export interface RunOptions {
  /** `key=value` pairs; a value that parses as JSON (a number, true, a list) is taken as such. */
  input: string[];
  inputFile?: string;
  priority?: string;
  follow: boolean;
  timeoutSeconds: number;
}

function describe(message: AnyMessage): string {
  const p = message.payload as Record<string, unknown>;
  switch (message.type) {
    case 'WorkflowStarted':
      return `${(p.definition as { name: string }).name}, priority ${p.priority}`;
    case 'PolicyDecided':
      return `${p.action}: ${p.effect} (${p.rule ?? 'default'}: ${p.reason})`;
    case 'TaskQueued':
      return `${p.stepId} (attempt ${p.attempt}) waits for ${JSON.stringify(p.target)}`;
    case 'TaskAssigned':
      return `${p.stepId} → ${p.agent}@${p.agentVersion} on ${p.instanceId}`;
    case 'TaskProgressed':
      return `${p.stepId}: ${p.message}${p.percent === undefined ? '' : ` (${p.percent}%)`}`;
    case 'TaskCompleted':
      return `${p.stepId} done by ${p.instanceId}`;
    case 'TaskFailed':
      return `${p.stepId} failed on ${p.instanceId}: ${p.error}`;
    case 'TaskExpired':
      return `${p.stepId}: ${p.reason}`;
    case 'StepRetryScheduled':
      return `${p.stepId}: attempt ${p.attempt} in ${p.delayMs} ms`;
    case 'StepCompleted':
      return `${p.stepId} ✓`;
    case 'StepSkipped':
      return `${p.stepId} skipped: ${p.reason}`;
    case 'StepFailed':
      return `${p.stepId} ✗ ${p.error}`;
    case 'WorkflowCompleted':
      return `output ${JSON.stringify(p.output)}`;
    case 'WorkflowRejected':
      return [String(p.reason), ...((p.problems as string[]) ?? [])].join('\n          ');
    case 'WorkflowFailed':
      return String(p.reason);
    default:
      return '';
  }
}

const InputObject = z.record(z.string(), z.unknown());

export function inputOf(options: Pick<RunOptions, 'input' | 'inputFile'>): Record<string, unknown> {
  // Through the document parser: a problem (or a nesting too deep) is named with its file and line.
  const fromFile = options.inputFile ? parseYamlDocument(readFileSync(options.inputFile, 'utf8'), InputObject, options.inputFile) : {};
  const pairs = options.input.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--input ${pair}: expected key=value`);
    const raw = pair.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // plain text
    }
    return [pair.slice(0, at), value];
  });
  return { ...fromFile, ...Object.fromEntries(pairs) };
}

/**
 * Validates a workflow document here first (line-precise errors, nothing sent; unknown
 * capabilities too when the registry answers), publishes RunWorkflow and follows it step by step.
 */
export async function runWorkflow(session: Session, file: string, options: RunOptions, out: Output): Promise<number> {
  const text = readFileSync(file, 'utf8');
  const catalogue = await session.client
    .query(createMessage('FindAgents', { includeDown: true }, session.origin), 2_000)
    .then((reply) => reply.agents)
    .catch(() => undefined); // the orchestrator checks again in any case
  const definition = parseWorkflowDocument(text, file, catalogue ? { catalogue } : {});
  const priority = options.priority === undefined ? undefined : Priority.parse(options.priority);
  const workflowId = newId();
  const command = createMessage('RunWorkflow', { workflowId, definition, input: inputOf(options), ...(priority ? { priority } : {}) }, session.origin);
  const watch = await watchAll(session);
  await session.client.publishMessage(command);
  out.line(`started workflow ${workflowId} (${definition.name}, ${definition.steps.length} steps) as ${session.settings.user}@${session.settings.tenant}`);
  out.data({ started: workflowId });
  if (!options.follow) {
    watch.unsubscribe();
    return 0;
  }
  let lastWaiting = '';
  const idle = async () => {
    const state = await session.client.query(createMessage('GetSchedulerState', {}, session.origin), 2_000);
    const waiting = state.waiting.filter((w) => w.workflowId === workflowId).map((w) => `${w.stepId}: ${w.reason}`).join('; ');
    if (waiting && waiting !== lastWaiting) out.line(`          waiting  ${waiting}`);
    lastWaiting = waiting;
  };
  const outcome = await follow(watch, command.correlationId, { settled: ['WorkflowCompleted', 'WorkflowFailed', 'WorkflowRejected'], describe, timeoutSeconds: options.timeoutSeconds, what: `workflow ${workflowId}`, idle }, out);
  return outcome.type === 'WorkflowCompleted' ? 0 : 1;
}
