import {
  CATALOG,
  causedBy,
  createMessage,
  deriveId,
  type ActiveKillSwitch,
  type Actor,
  type AgentDescriptor,
  type Envelope,
  type MessageOf,
  type MessageType,
  type PayloadInput,
  type WorkflowDefinition,
} from '@agentos/contracts';
import { fold, type Decision } from '@agentos/decider';
import { parseWorkflowDocument } from '@agentos/workflow';
import { orchestrationDecider, type RunInput } from './orchestration.decider';
import type { ControlCommand } from './run-control';
import type { RunState } from './run-state';

/** Builders for the orchestration decider's specs. Every message carries an explicit time, `T0 + ms`. */

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
export const iso = (ms: number) => new Date(T0 + ms).toISOString();

export const TENANT = 'acme';
export const alice: Actor = { kind: 'user', id: 'alice' };
export const manager: Actor = { kind: 'user', id: 'manager' };
export const orchestrator: Actor = { kind: 'service', id: 'orchestrator' };

/** A message of the tenant, stamped at T0 + ms. */
export function message<T extends MessageType>(type: T, payload: PayloadInput<T>, ms: number, actor: Actor = orchestrator, tenant = TENANT): MessageOf<T> {
  return { ...createMessage(type, payload, { tenant, actor }), occurredAt: iso(ms) };
}

/** The decider's task id scheme; the specs assert it once, then use it to address tasks. */
export const taskIdOf = (runId: string, stepId: string, attempt: number) => deriveId(runId, 'task', stepId, String(attempt));
export const policyRequestIdOf = (runId: string) => deriveId(runId, 'policy', 'intent.submit');
export const stepPolicyRequestIdOf = (runId: string, stepId: string) => deriveId(runId, 'policy', 'step', stepId);

export const agent = (name: string, capabilities: string[], version = '1.0.0', instanceId = `${name}-1`): AgentDescriptor => ({ name, version, owner: 'team-a', capabilities, concurrency: 1, instanceId });

export const killSwitch = (scope: ActiveKillSwitch['scope'], target: string, reason = 'incident'): ActiveKillSwitch => ({ scope, target, reason, activatedAt: iso(0), activatedBy: 'user:oncall' });

/** A workflow definition from YAML lines, through the same parser the CLI uses. */
export const workflow = (...lines: string[]): WorkflowDefinition => parseWorkflowDocument(`${lines.join('\n')}\n`, 'test.yaml');

// ---- decider inputs -------------------------------------------------------------------------

interface Facts {
  catalogue?: AgentDescriptor[];
  killSwitches?: ActiveKillSwitch[];
}

export const submitInput = (payload: PayloadInput<'SubmitIntent'>, ms = 0): RunInput => ({ kind: 'submit', message: message('SubmitIntent', payload, ms, alice) });

export const runInput = (payload: PayloadInput<'RunWorkflow'>, catalogue: AgentDescriptor[], ms = 0): RunInput => ({ kind: 'run', message: message('RunWorkflow', payload, ms, alice), catalogue });

export function policyInput(
  runId: string,
  effect: 'allow' | 'deny' | 'require_approval',
  ms: number,
  { catalogue = [], killSwitches = [], rule = `rule-${effect}`, reason = `because ${effect}`, requestId = policyRequestIdOf(runId) }: Facts & { rule?: string | null; reason?: string; requestId?: string } = {},
): RunInput {
  const payload: PayloadInput<'PolicyDecided'> = { requestId, intentId: runId, action: 'intent.submit', resource: { kind: 'capability', name: 'summarise' }, effect, rule, reason, bundleVersion: 'v1' };
  return { kind: 'policy-decided', message: message('PolicyDecided', payload, ms, { kind: 'service', id: 'policy' }), catalogue, killSwitches };
}

/** Policy's verdict on one workflow step, checked as an intent for its capability. */
export function stepPolicyInput(
  runId: string,
  stepId: string,
  capability: string,
  effect: 'allow' | 'deny' | 'require_approval',
  ms: number,
  { rule = `rule-${effect}`, reason = `because ${effect}`, requestId = stepPolicyRequestIdOf(runId, stepId) }: { rule?: string | null; reason?: string; requestId?: string } = {},
): RunInput {
  const payload: PayloadInput<'PolicyDecided'> = { requestId, intentId: runId, action: 'intent.submit', resource: { kind: 'capability', name: capability }, context: { step: stepId }, effect, rule, reason, bundleVersion: 'v1' };
  return { kind: 'policy-decided', message: message('PolicyDecided', payload, ms, { kind: 'service', id: 'policy' }), catalogue: [], killSwitches: [] };
}

export const approveInput = (runId: string, ms: number, { catalogue = [], killSwitches = [], comment }: Facts & { comment?: string } = {}): RunInput => ({
  kind: 'approve',
  message: message('ApproveIntent', { intentId: runId, ...(comment ? { comment } : {}) }, ms, manager),
  catalogue,
  killSwitches,
});

export const rejectInput = (runId: string, ms: number, comment?: string): RunInput => ({ kind: 'reject', message: message('RejectIntent', { intentId: runId, ...(comment ? { comment } : {}) }, ms, manager) });

export const assignInput = (runId: string, stepId: string, attempt: number, instance: AgentDescriptor, ms: number, killSwitches: ActiveKillSwitch[] = []): RunInput => ({
  kind: 'assign',
  message: message('AssignTask', { taskId: taskIdOf(runId, stepId, attempt), intentId: runId, stepId, instanceId: instance.instanceId }, ms),
  instance,
  killSwitches,
});

const by = (instance: AgentDescriptor): Actor => ({ kind: 'agent', id: instance.name });

export const completedInput = (runId: string, stepId: string, attempt: number, output: unknown, ms: number, instance: AgentDescriptor): RunInput => ({
  kind: 'task-completed',
  message: message('TaskCompleted', { taskId: taskIdOf(runId, stepId, attempt), intentId: runId, stepId, attempt, agent: instance.name, agentVersion: instance.version, instanceId: instance.instanceId, output }, ms, by(instance)),
});

export const failedInput = (runId: string, stepId: string, attempt: number, error: string, ms: number, instance: AgentDescriptor, retryable?: boolean): RunInput => ({
  kind: 'task-failed',
  message: message(
    'TaskFailed',
    { taskId: taskIdOf(runId, stepId, attempt), intentId: runId, stepId, attempt, agent: instance.name, agentVersion: instance.version, instanceId: instance.instanceId, error, ...(retryable === undefined ? {} : { retryable }) },
    ms,
    by(instance),
  ),
});

/** A retry timer for `attempt` (the attempt that will run), or the deadline of `attempt` (of its task, or of a wait step's `taskId`). */
export const timerInput = (runId: string, kind: 'deadline' | 'retry', stepId: string, attempt: number, ms: number, taskId = taskIdOf(runId, stepId, attempt)): RunInput => ({
  kind: 'timer',
  message: message('FireTimer', { intentId: runId, kind, stepId, attempt, ...(kind === 'deadline' ? { taskId } : {}) }, ms),
});

export const instanceDownInput = (instance: AgentDescriptor, ms: number): RunInput => ({
  kind: 'instance-down',
  // The registry announces dropped instances under the system tenant.
  message: message('AgentInstanceDropped', { name: instance.name, version: instance.version, instanceId: instance.instanceId, reason: 'missed 3 heartbeats', lastSeenAt: iso(ms - 15_000) }, ms, { kind: 'service', id: 'registry' }, 'system'),
});

export const budgetInput = (runId: string, ms: number): RunInput => ({
  kind: 'budget-exhausted',
  message: message('BudgetExhausted', { scope: 'workflow', id: runId, metric: 'tokens', used: 150, limit: 100 }, ms, { kind: 'service', id: 'policy' }),
});

// ---- given / when -----------------------------------------------------------------------------

export interface RecordedStep {
  input: RunInput;
  /** The state decide was given. */
  state: RunState;
  decisions: Decision[];
  /** How much of the history existed when decide ran. */
  historyLength: number;
}

/**
 * Feeds inputs through decide and evolve as runDecision does: when something is decided, the cause
 * (if it is an event not yet recorded), the recorded input and the decisions are appended. Decisions
 * are stamped with their cause's time so that times derived from them (approval waits) are exact.
 */
export function record(...given: (RunInput | RunInput[])[]): { history: Envelope[]; steps: RecordedStep[] } {
  const inputs = given.flat();
  const history: Envelope[] = [];
  const steps: RecordedStep[] = [];
  for (const input of inputs) {
    const cause = input.message;
    const state = fold(orchestrationDecider, history);
    const decisions = orchestrationDecider.decide(input, state);
    steps.push({ input, state, decisions, historyLength: history.length });
    if (decisions.length === 0) continue;
    const stamp = <E extends Envelope>(event: E): E => ({ ...event, occurredAt: cause.occurredAt });
    const events = decisions.map((d, i) => stamp(causedBy(cause, d.type, d.payload, orchestrator, String(i))));
    const recordedInput = stamp(causedBy(cause, 'DecisionInputRecorded', { decider: orchestrationDecider.name, causeId: cause.id, input }, orchestrator, 'input'));
    const recordCause = CATALOG[cause.type].kind === 'event' && !history.some((e) => e.id === cause.id);
    history.push(...(recordCause ? [cause] : []), recordedInput, ...events);
  }
  return { history, steps };
}

/** The history the inputs lead to; an array stands for inputs that go together (an assignment and its report). */
export const given = (...inputs: (RunInput | RunInput[])[]): Envelope[] => record(...inputs).history;

/** The decisions for `input` on the state folded from `history`; each must also be a valid message. */
export function when(history: readonly Envelope[], input: RunInput): Decision[] {
  const decisions = orchestrationDecider.decide(input, fold(orchestrationDecider, history));
  decisions.forEach((d, i) => causedBy(input.message, d.type, d.payload, orchestrator, String(i)));
  return decisions;
}

/** The recorded events of one type, in order. */
export const eventsOf = <T extends MessageType>(history: readonly Envelope[], type: T) => history.filter((e): e is MessageOf<T> => e.type === type);

export const stateOf = (history: readonly Envelope[]): RunState => fold(orchestrationDecider, history);

export const operator: Actor = { kind: 'user', id: 'oncall' };

/** A command on a run (cancel, pause, resume, retry, signal), by default from the run's tenant, by an operator. */
export function controlInput<T extends ControlCommand['type']>(type: T, payload: PayloadInput<T>, ms: number, tenant = TENANT, catalogue?: AgentDescriptor[]): RunInput {
  return { kind: 'control', message: message(type, payload, ms, operator, tenant), ...(catalogue ? { catalogue } : {}) } as RunInput;
}
