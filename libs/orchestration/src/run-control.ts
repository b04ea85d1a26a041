import { SYSTEM_TENANT, type AgentDescriptor, type Envelope, type MessageOf, type PayloadOf, type WorkflowDefinition } from '@agentos/contracts';
import { decision, type Decision } from '@agentos/decider';
import { isSettled, type RunState } from './run-state';
import { advance, applied, cancelledOnceCompensated, queueStep, startStep, stepSpec, stepSucceeded } from './steps';

type AgentPin = NonNullable<PayloadOf<'ResetRun'>['agent']>;
type StepTarget = WorkflowDefinition['steps'][number]['target'];

/** Commands an operator sends to a run: each either changes it or is refused with a fact saying why. */
export type ControlCommand = MessageOf<'CancelRun'> | MessageOf<'PauseRuns'> | MessageOf<'ResumeRuns'> | MessageOf<'RetryRun'> | MessageOf<'SignalRun'> | MessageOf<'ResetRun'>;

export const sender = (message: Envelope) => `${message.actor.kind}:${message.actor.id}`;

/** The one run a control command is about (a pause or resume of many runs is handed to the decider one run at a time). */
export function runOf(command: ControlCommand): string | undefined {
  if (command.type === 'PauseRuns' || command.type === 'ResumeRuns') return command.payload.select.kind === 'run' ? command.payload.select.runId : undefined;
  return command.payload.runId;
}

/**
 * Whether a pause or resume of many runs (a workflow name, a tenant) covers this one: open runs of the sender's
 * tenant (the platform's: every tenant) it would change. Runs it would not change are left out rather than refused.
 */
export function selects(command: MessageOf<'PauseRuns'> | MessageOf<'ResumeRuns'>, state: RunState): boolean {
  const { select } = command.payload;
  if (isSettled(state) || state.status === 'new' || state.cancellation) return false;
  if (command.tenant !== SYSTEM_TENANT && state.tenant !== command.tenant) return false;
  if (select.kind === 'workflow' && (state.kind !== 'workflow' || state.definition?.name !== select.name)) return false;
  return command.type === 'PauseRuns' ? state.status === 'running' && !state.paused : state.paused !== undefined;
}

/**
 * Why a control command must be dead-lettered instead of decided: it names no run the orchestrator has, or a
 * run of another tenant (the platform's principals act for every tenant). Nothing is recorded for it, so a
 * tenant cannot write into another tenant's run history, nor start a stream for a run that does not exist.
 */
export function controlRefusal(command: Envelope & { type: string }, runId: string | undefined, state: RunState): string | undefined {
  if (!runId) return `${command.type} must be handed to the decider for one run`;
  if (state.status === 'new') return `${command.type} for run ${runId}: no such run`;
  if (command.tenant !== state.tenant && command.tenant !== SYSTEM_TENANT) return `${command.type} for run ${runId} from tenant ${command.tenant}, but the run belongs to another tenant`;
  return undefined;
}

const refused = (state: RunState, command: ControlCommand, reason: string): Decision[] => [
  decision('RunCommandRefused', { runId: state.runId!, command: command.type, refusedFor: sender(command), reason }),
];

/**
 * Decides a control command on its run (controlRefusal has passed); `catalogue`: every agent, for a reset that pins
 * one; `bundleInForce`: the policy bundle in force, for a reset that pins one.
 */
export function decideControl(command: ControlCommand, state: RunState, now: number, catalogue: AgentDescriptor[] = [], bundleInForce?: string): Decision[] {
  if (command.type === 'ResetRun') return reset(state, command, catalogue, bundleInForce);
  if (isSettled(state) && command.type !== 'RetryRun') return refused(state, command, `run ${state.runId} already ended ${state.status}`);
  switch (command.type) {
    case 'CancelRun':
      return cancel(state, command, now);
    case 'PauseRuns':
      if (state.cancellation) return refused(state, command, 'the run is being cancelled');
      if (state.paused) return refused(state, command, `the run is already paused (by ${state.paused.by})`);
      // Before policy allowed it, a run has started nothing a pause could hold back: cancel it instead.
      if (state.status !== 'running') return refused(state, command, `the run is ${state.status}; only a running run can be paused`);
      return [decision('RunPaused', { runId: state.runId!, pausedBy: sender(command), reason: command.payload.reason })];
    case 'ResumeRuns':
      return resume(state, command, now);
    case 'RetryRun':
      return retry(state, command, now);
    case 'SignalRun':
      return signal(state, command, now);
  }
}

/**
 * A new run from a past point of this one, once it ended: the steps that completed and do not depend on `toStep`
 * keep their outputs (the new run records them as reused), `toStep` and what depends on it run again.
 */
function reset(state: RunState, command: MessageOf<'ResetRun'>, catalogue: AgentDescriptor[], bundleInForce: string | undefined): Decision[] {
  const { toStep, newRunId, reason, agent, policyBundle } = command.payload;
  if (state.kind !== 'workflow') return refused(state, command, 'an intent has one step: retry it instead');
  if (!isSettled(state)) return refused(state, command, `the run is ${state.status}; only a run that ended can be reset (cancel it first)`);
  const definition = state.definition!;
  if (!definition.steps.some((s) => s.id === toStep)) return refused(state, command, `the run has no step "${toStep}" (its steps: ${definition.steps.map((s) => s.id).join(', ')})`);
  const again = dependentsOf(state, toStep);
  const kept = definition.steps.filter((s) => !again.has(s.id) && state.steps[s.id]?.status === 'completed').map((s) => s.id);
  const reused = Object.fromEntries(kept.map((id) => [id, state.steps[id].output ?? null]));
  const reusedLabels = Object.fromEntries(kept.flatMap((id) => (state.steps[id].labels?.length ? [[id, state.steps[id].labels!]] : [])));
  const pinned = agent ? pinnedDefinition(definition, again, agent, catalogue) : definition;
  if (typeof pinned === 'string') return refused(state, command, pinned);
  // A pinned run is decided only while its bundle is in force: a fork pinned to another would be refused at its first check.
  if (policyBundle && policyBundle !== bundleInForce) {
    return refused(state, command, `policy bundle ${policyBundle} is not in force (${bundleInForce ?? 'policy did not say which is'}): publish it, then reset pinned to it`);
  }
  return [
    decision('RunForked', {
      runId: state.runId!,
      newRunId,
      fromStep: toStep,
      forkedBy: sender(command),
      owner: command.actor.id,
      ...(reason ? { reason } : {}),
      definition: pinned,
      input: state.input,
      priority: state.priority,
      reused,
      ...(Object.keys(reusedLabels).length > 0 ? { reusedLabels } : {}),
      ...(agent ? { agent } : {}),
      ...(policyBundle ? { policyBundle } : {}),
    }),
  ];
}

/**
 * The definition a fork runs with its steps run again (and the compensations) that `pin`'s agent serves pinned to
 * that version: those naming the agent, and those naming only a capability it offers. Why not, when the catalogue
 * has no such agent version or it serves none of those steps.
 */
function pinnedDefinition(definition: WorkflowDefinition, again: Set<string>, pin: AgentPin, catalogue: AgentDescriptor[]): WorkflowDefinition | string {
  const offered = catalogue.find((a) => a.name === pin.name && a.version === pin.version);
  if (!offered) return `no registered agent ${pin.name}@${pin.version}`;
  const serves = (target: StepTarget) =>
    target !== undefined && (target.agent ? target.agent.name === pin.name : target.capability !== undefined && offered.capabilities.includes(target.capability));
  const pinTarget = <S extends { target?: StepTarget }>(step: S): S => ({ ...step, target: { ...step.target, agent: { name: pin.name, version: pin.version } } });
  const pinnedSteps = definition.steps.filter((s) => again.has(s.id) && serves(s.target)).map((s) => s.id);
  if (pinnedSteps.length === 0) return `agent ${pin.name}@${pin.version} serves none of the steps the reset runs again (${[...again].join(', ')})`;
  return {
    ...definition,
    steps: definition.steps.map((s) => (pinnedSteps.includes(s.id) ? pinTarget(s) : s)),
    compensations: definition.compensations.map((c) => (serves(c.target) ? pinTarget(c) : c)),
  };
}

/** The step and every step that needs it, directly or not. */
function dependentsOf(state: RunState, stepId: string): Set<string> {
  const found = new Set([stepId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const step of state.definition!.steps) {
      if (found.has(step.id) || !step.needs.some((need) => found.has(need))) continue;
      found.add(step.id);
      grew = true;
    }
  }
  return found;
}

/** The wait step waiting for this signal completes with its data, and the run goes on. */
function signal(state: RunState, command: MessageOf<'SignalRun'>, now: number): Decision[] {
  const { name, data } = command.payload;
  if (state.cancellation) return refused(state, command, 'the run is being cancelled');
  const waiting = Object.entries(state.steps).filter(([, step]) => step.status === 'signal-wait');
  const [stepId, step] = waiting.find(([id]) => stepSpec(state, id)?.wait?.signal === name) ?? [];
  if (!stepId || !step) {
    const signals = waiting.map(([id]) => stepSpec(state, id)!.wait!.signal);
    return refused(state, command, `no step waits for signal "${name}" (${signals.length > 0 ? `waiting for: ${signals.join(', ')}` : 'none waits now'})`);
  }
  const received = decision('SignalReceived', { runId: state.runId!, stepId, signal: name, sentBy: sender(command), data });
  // The data is a person's input, labelled as such (and by who sent it): the steps it feeds carry that label.
  const origin = { origin: 'user_input' as const, source: `signal:${name} from ${sender(command)}` };
  return [received, ...stepSucceeded(applied(state, [received]), stepId, step.taskId!, data, now, [origin])];
}

/**
 * Steps already running are aborted (agents follow RunCancellationStarted); the compensations declared for the steps
 * that completed or were running run (each once), then the run ends cancelled. With none, it ends at once.
 */
function cancel(state: RunState, command: MessageOf<'CancelRun'>, now: number): Decision[] {
  if (state.cancellation) return refused(state, command, `the run is already being cancelled (by ${state.cancellation.by})`);
  const touched = Object.entries(state.steps).filter(([, step]) => step.status === 'completed' || step.status === 'assigned');
  const compensations = [
    ...new Set(
      touched
        .map(([id]) => stepSpec(state, id)?.onFailure)
        .flatMap((onFailure) => (onFailure?.kind === 'compensate' && !state.steps[onFailure.step] ? [onFailure.step] : [])),
    ),
  ];
  const cancelling = decision('RunCancellationStarted', { runId: state.runId!, cancelledBy: sender(command), reason: command.payload.reason, compensations });
  const after = applied(state, [cancelling]);
  if (compensations.length === 0) return [cancelling, ...cancelledOnceCompensated(after)];
  return [cancelling, ...compensations.map((id) => startStep(after, id, now))];
}

/** Steps held back while paused start now: queued tasks go back in line with a fresh deadline, due retries run, ready steps start. */
function resume(state: RunState, command: MessageOf<'ResumeRuns'>, now: number): Decision[] {
  if (!state.paused) return refused(state, command, 'the run is not paused');
  const { reason } = command.payload;
  const resumed = decision('RunResumed', { runId: state.runId!, resumedBy: sender(command), ...(reason ? { reason } : {}), pausedMs: Math.max(0, now - Date.parse(state.paused.at)) });
  const after = applied(state, [resumed]);
  const requeued = Object.entries(after.steps)
    .filter(([, step]) => step.status === 'queued' || (step.status === 'retry-wait' && Date.parse(step.retryDueAt!) <= now))
    .map(([id, step]) => queueStep(after, id, step.status === 'queued' ? step.attempt : step.attempt + 1, now));
  return [resumed, ...requeued, ...advance(applied(after, requeued), now)];
}

/** A failed run runs again from the steps that did not complete; completed steps keep their outputs and do not run again. */
function retry(state: RunState, command: MessageOf<'RetryRun'>, now: number): Decision[] {
  if (state.status !== 'failed') return refused(state, command, `the run is ${state.status}; only a failed run can be retried`);
  const steps = state.definition!.steps.filter((s) => !['completed', 'skipped'].includes(state.steps[s.id]?.status ?? 'waiting')).map((s) => s.id);
  const { reason } = command.payload;
  const retried = decision('RunRetried', { runId: state.runId!, retriedBy: sender(command), ...(reason ? { reason } : {}), steps });
  return [retried, ...advance(applied(state, [retried]), now)];
}
