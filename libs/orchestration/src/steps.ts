import { deriveId, MAIN_STEP, mergeLabels, type CompensationStep, type ContentLabel, type PayloadOf, type StepTarget, type WorkflowStep } from '@agentos/contracts';
import { decision, type Decision } from '@agentos/decider';
import { backoffDelayMs, referencedSteps, resolveTemplate } from '@agentos/workflow';
import { evolve, type RunState } from './run-state';

/** A step of the definition (an agent's or a wait step), or one of its compensations. */
export type StepSpec = Omit<CompensationStep, 'target'> & Partial<Pick<WorkflowStep, 'target' | 'needs' | 'onFailure' | 'wait'>>;

export function stepSpec(state: RunState, stepId: string): StepSpec | undefined {
  const definition = state.definition;
  return definition?.steps.find((s) => s.id === stepId) ?? definition?.compensations.find((s) => s.id === stepId);
}

/**
 * What runs a step: only agent steps and compensations are queued, checked by policy and assigned; a wait step
 * reaching here would be the decider's own bug, so it fails loudly rather than queueing a task for nobody.
 */
export function agentTarget(state: RunState, stepId: string): StepTarget {
  const target = stepSpec(state, stepId)?.target;
  if (!target) throw new Error(`step ${stepId} of run ${state.runId} runs no agent`);
  return target;
}

export const isCompensation = (state: RunState, stepId: string) => state.definition?.compensations.some((c) => c.id === stepId) ?? false;

/** State after decisions made in this same decide call, so later decisions see earlier ones. */
export const applied = (state: RunState, decisions: readonly Decision[]) => decisions.reduce((s, d) => evolve(s, { type: d.type, payload: d.payload }), state);

const at = (now: number) => new Date(now).toISOString();

/**
 * The labels of the step outputs an input template uses: each such step as an agent's output, plus everything
 * that step had read (information-flow control: untrusted content read in one step taints the steps it feeds).
 */
function inputLabelsOf(state: RunState, template: unknown): ContentLabel[] {
  return mergeLabels(...referencedSteps(template).map((id) => [{ origin: 'agent_output' as const, source: `step:${id}` }, ...(state.steps[id]?.labels ?? [])]));
}

/** Queues an attempt of a step, its input resolved from the run's input and finished steps. */
export function queueStep(state: RunState, stepId: string, attempt: number, now: number): Decision {
  const spec = stepSpec(state, stepId)!;
  const steps = Object.fromEntries(Object.entries(state.steps).map(([id, s]) => [id, { output: s.output, error: s.error }]));
  const input = state.kind === 'intent' ? spec.input : (resolveTemplate(spec.input, { input: state.input, steps }) as Record<string, unknown>);
  const inputLabels = state.kind === 'intent' ? [] : inputLabelsOf(state, spec.input);
  return decision('TaskQueued', {
    taskId: deriveId(state.runId!, 'task', stepId, String(attempt)),
    intentId: state.runId!,
    stepId,
    attempt,
    target: agentTarget(state, stepId),
    input,
    priority: state.priority,
    timeoutMs: spec.timeoutMs,
    deadline: at(now + spec.timeoutMs),
    ...(inputLabels.length > 0 ? { inputLabels } : {}),
  });
}

/**
 * A workflow step that became ready is first checked by policy as an intent for its capability would
 * be: a workflow must not run, one step at a time, what policy refuses as an intent. An intent's one
 * step was checked with the intent itself, so it is queued at once. A wait step starts waiting for its signal.
 */
export function startStep(state: RunState, stepId: string, now: number): Decision {
  const spec = stepSpec(state, stepId)!;
  if (spec.wait) return waitForSignal(state, stepId, spec.wait.signal, spec.timeoutMs, now);
  return state.kind === 'intent' ? queueStep(state, stepId, (state.steps[stepId]?.attempt ?? 0) + 1, now) : stepPolicyCheck(state, stepId);
}

/** A wait step runs no agent (so no policy check of one): it waits for its signal until its deadline. */
function waitForSignal(state: RunState, stepId: string, signal: string, timeoutMs: number, now: number): Decision {
  const attempt = (state.steps[stepId]?.attempt ?? 0) + 1;
  const waitId = deriveId(state.runId!, 'wait', stepId, String(attempt));
  return decision('SignalWaitStarted', { workflowId: state.runId!, stepId, signal, attempt, waitId, deadline: at(now + timeoutMs) });
}

function stepPolicyCheck(state: RunState, stepId: string): Decision<'PolicyCheckRequested'> {
  const target = agentTarget(state, stepId);
  // What the step will be given: a rule may keep a capability from starting on untrusted input.
  const labels = inputLabelsOf(state, stepSpec(state, stepId)!.input);
  // A retried run checks the step again, as its next attempt: a request of its own.
  const attempt = (state.steps[stepId]?.attempt ?? 0) + 1;
  return decision('PolicyCheckRequested', {
    requestId: deriveId(state.runId!, 'policy', 'step', stepId, ...(attempt > 1 ? [String(attempt)] : [])),
    intentId: state.runId!,
    action: 'intent.submit',
    subject: state.owner ? { owner: state.owner } : {},
    resource: target.capability ? { kind: 'capability', name: target.capability } : { kind: 'agent', name: target.agent!.name },
    // `step` tells the step's check from the run's (evolve keys on it).
    context: { step: stepId },
    ...(labels.length > 0 ? { labels } : {}),
    ...(state.policyBundle ? { pinnedBundle: state.policyBundle } : {}),
  });
}

/** The step whose pending policy check this verdict answers, if any. */
export const stepAwaiting = (state: RunState, requestId: string) =>
  Object.entries(state.steps).find(([, step]) => step.status === 'policy-check' && step.policyRequestId === requestId)?.[0];

/** Whether the run still waits for policy's verdict on this check: the run's own, or one of its steps'. */
export const awaitsVerdict = (state: RunState, requestId: string): boolean =>
  stepAwaiting(state, requestId) !== undefined || (state.status === 'awaiting-policy' && state.policyRequestId === requestId);

/**
 * Policy's verdict on one step: allowed, its task is queued; refused, the step fails for good (no retry
 * changes a verdict) and its onFailure applies. A step cannot wait for an approval (ApproveIntent
 * approves a whole run), so require_approval refuses it too, saying so.
 */
export function stepPolicyDecided(state: RunState, stepId: string, verdict: PayloadOf<'PolicyDecided'>, now: number): Decision[] {
  // Once a compensation runs (the run failed or is being cancelled), only the compensation may start.
  if (winding(state) && !isCompensation(state, stepId)) return [];
  if (verdict.effect === 'allow') return [queueStep(state, stepId, state.steps[stepId].attempt, now)];
  const { kind, name } = verdict.resource;
  const because = `${verdict.reason} (rule ${verdict.rule ?? 'none'})`;
  const error =
    verdict.effect === 'deny'
      ? `policy denied ${kind} ${name}: ${because}`
      : `policy requires approval for ${kind} ${name}: ${because}; a workflow step cannot wait for approval, so it did not run`;
  return attemptFailed(state, stepId, error, false, now);
}

/** The run failed or is being cancelled: no more of its own work starts, only compensations. */
export const winding = (state: RunState) => state.failure !== undefined || state.cancellation !== undefined;

/** Ends the run as failed, in the vocabulary of its kind. */
export function failRun(state: RunState, reason: string, extra: { failedStep?: string; compensatedBy?: string } = {}): Decision {
  return state.kind === 'intent' ? decision('IntentFailed', { intentId: state.runId!, reason }) : decision('WorkflowFailed', { workflowId: state.runId!, reason, ...extra });
}

export function rejectRun(state: RunState, reason: string, rule: string | null): Decision {
  return state.kind === 'intent' ? decision('IntentRejected', { intentId: state.runId!, reason, rule }) : decision('WorkflowRejected', { workflowId: state.runId!, reason, rule, problems: [] });
}

/** Starts every waiting step whose needs are met; completes the workflow when nothing is left. */
export function advance(state: RunState, now: number): Decision[] {
  const definition = state.definition!;
  const done = (id: string) => ['completed', 'skipped'].includes(state.steps[id]?.status ?? '');
  // A paused run starts nothing; it may still complete when its last running step does.
  const ready = state.paused ? [] : definition.steps.filter((s) => state.steps[s.id]?.status === 'waiting' && s.needs.every(done));
  const started = ready.map((s) => startStep(state, s.id, now));
  if (started.length > 0 || !definition.steps.every((s) => done(s.id))) return started;
  const steps = Object.fromEntries(Object.entries(state.steps).map(([id, s]) => [id, { output: s.output }]));
  const leaves = definition.steps.filter((s) => !definition.steps.some((other) => other.needs.includes(s.id)));
  const output = definition.output ? resolveTemplate(definition.output, { input: state.input, steps }) : Object.fromEntries(leaves.map((s) => [s.id, state.steps[s.id]?.output ?? null]));
  return [decision('WorkflowCompleted', { workflowId: state.runId!, output })];
}

/** The step's current attempt succeeded. */
export function stepSucceeded(state: RunState, stepId: string, taskId: string, output: unknown, now: number, labels?: ContentLabel[]): Decision[] {
  const step = state.steps[stepId];
  if (state.kind === 'intent') return [decision('IntentCompleted', { intentId: state.runId!, taskId, output })];
  // What the step was given taints its output whatever its agent reports: a report cannot launder untrusted input.
  const carried = mergeLabels(step.inputLabels, labels);
  const completed = decision('StepCompleted', { workflowId: state.runId!, stepId, taskId, attempt: step.attempt, output, ...(carried.length > 0 ? { labels: carried } : {}) });
  if (state.cancellation) return [completed, ...cancelledOnceCompensated(applied(state, [completed]))];
  if (isCompensation(state, stepId) && state.failure) {
    return [completed, failRun(state, `step ${state.failure.step} failed: ${state.failure.error}`, { failedStep: state.failure.step, compensatedBy: stepId })];
  }
  // Once a compensation runs, the run can only fail: starting more work would only need undoing.
  if (state.failure) return [completed];
  return [completed, ...advance(applied(state, [completed]), now)];
}

/** The step's current attempt failed: retry with back-off, or apply its onFailure. */
export function attemptFailed(state: RunState, stepId: string, error: string, retryable: boolean, now: number): Decision[] {
  const spec = stepSpec(state, stepId)!;
  const { attempt, retriedFrom = 0 } = state.steps[stepId];
  if (retryable && attempt - retriedFrom <= spec.retries.max) {
    const delayMs = backoffDelayMs(spec.retries, attempt, `${state.runId}/${stepId}/${attempt}`);
    return [decision('StepRetryScheduled', { workflowId: state.runId!, stepId, attempt: attempt + 1, delayMs, dueAt: at(now + delayMs), error })];
  }
  const failed = decision('StepFailed', { workflowId: state.runId!, stepId, attempt, error });
  if (state.cancellation) return [failed, ...cancelledOnceCompensated(applied(state, [failed]))];
  if (state.kind === 'intent' && stepId === MAIN_STEP) return [failed, failRun(state, `task failed: ${error}`)];
  if (isCompensation(state, stepId)) {
    const first = state.failure ?? { step: stepId, error };
    return [failed, failRun(state, `step ${first.step} failed: ${first.error}; compensation ${stepId} failed too: ${error}`, { failedStep: first.step })];
  }
  const onFailure = spec.onFailure ?? { kind: 'fail' as const };
  switch (onFailure.kind) {
    case 'fail':
      return [failed, failRun(state, `step ${stepId} failed: ${error}`, { failedStep: stepId })];
    case 'skip': {
      const skipped = decision('StepSkipped', { workflowId: state.runId!, stepId, reason: error });
      return [skipped, ...advance(applied(state, [skipped]), now)];
    }
    case 'compensate': {
      // Two failed steps may share a compensation: it runs once.
      if (state.steps[onFailure.step]) return [failed];
      return [failed, startStep(applied(state, [failed]), onFailure.step, now)];
    }
  }
}

/**
 * A cancelled run ends once every compensation its cancellation started has finished, one way or the other;
 * a compensation that failed is named in the reason, not among those that compensated.
 */
export function cancelledOnceCompensated(state: RunState): Decision[] {
  const { by, reason, compensations } = state.cancellation!;
  const finished = (id: string) => ['completed', 'failed'].includes(state.steps[id]?.status ?? '');
  if (!compensations.every(finished)) return [];
  const failures = compensations.filter((id) => state.steps[id].status === 'failed').map((id) => `; compensation ${id} failed: ${state.steps[id].error}`);
  const compensatedBy = compensations.filter((id) => state.steps[id].status === 'completed');
  return [decision('RunCancelled', { runId: state.runId!, cancelledBy: by, reason: `${reason}${failures.join('')}`, compensatedBy })];
}
