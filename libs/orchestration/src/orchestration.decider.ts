import { deriveId, type ActiveKillSwitch, type AgentDescriptor, type Envelope, type MessageOf, type ValidationIssue, type WorkflowDefinition } from '@agentos/contracts';
import { decision, type Decider, type Decision } from '@agentos/decider';
import { describeOverrun, killSwitchApplies } from '@agentos/policy-engine';
import { describeProblem, unknownTargets, validateWorkflow } from '@agentos/workflow';
import { evolve, initialRunState, isOpen, isSettled, type RunState } from './run-state';
import { callParked, closedApprovals, decideCall } from './call-approvals';
import { describeInputProblems } from './input-schemas';
import { controlRefusal, decideControl, runOf, sender, type ControlCommand } from './run-control';
import { advance, agentTarget, applied, attemptFailed, failRun, isCompensation, queueStep, rejectRun, stepAwaiting, stepPolicyDecided, stepSpec, stepSucceeded } from './steps';
import { fromCurrentHolder, reportRefusal, usageRefusal } from './task-reports';

/**
 * What the orchestrator hands its decider: the message, plus what it looked up for it (recorded
 * with the decision, so a replay needs no live calls). `catalogue` is every agent the registry
 * knows, up or down.
 */
export type RunInput =
  | { kind: 'submit'; message: MessageOf<'SubmitIntent'> }
  | { kind: 'run'; message: MessageOf<'RunWorkflow'>; catalogue: AgentDescriptor[] }
  | { kind: 'policy-decided'; message: MessageOf<'PolicyDecided'>; catalogue: AgentDescriptor[]; killSwitches: ActiveKillSwitch[] }
  | { kind: 'approve'; message: MessageOf<'ApproveIntent'>; catalogue: AgentDescriptor[]; killSwitches: ActiveKillSwitch[] }
  | { kind: 'reject'; message: MessageOf<'RejectIntent'> }
  | { kind: 'budget-exhausted'; message: MessageOf<'BudgetExhausted'> }
  | { kind: 'task-completed'; message: MessageOf<'TaskCompleted'> }
  | { kind: 'task-failed'; message: MessageOf<'TaskFailed'> }
  /** `inputProblems`: what the input schema the instance's agent version registered finds wrong with the step's input. */
  | { kind: 'assign'; message: MessageOf<'AssignTask'>; instance: AgentDescriptor; killSwitches: ActiveKillSwitch[]; inputProblems?: ValidationIssue[] }
  | { kind: 'timer'; message: MessageOf<'FireTimer'> }
  | { kind: 'instance-down'; message: MessageOf<'AgentInstanceDropped'> }
  /** A reset of another run (ResetRun, recorded there as RunForked) starts this one. */
  | { kind: 'forked'; message: MessageOf<'RunForked'> }
  /** A schedule's tick (ScheduleFired) starts this one. */
  | { kind: 'scheduled'; message: MessageOf<'ScheduleFired'> }
  /** An agent parked a call of a running step until an approver decides it. */
  | { kind: 'call-parked'; message: MessageOf<'CallParked'> }
  /** An operator's cancel, pause, resume, retry or reset of this run, or a signal for its wait step (a reset pinning an agent: with the catalogue). */
  | { kind: 'control'; message: ControlCommand; catalogue?: AgentDescriptor[]; bundleInForce?: string }
  /**
   * Facts about the run that decide nothing but belong to its history: what an agent spent (budgets as of any
   * point), content that screening flagged, and policy's verdicts on checks others made naming the run (an agent's
   * tool call). The orchestrator records them, as the run stream's one writer.
   */
  | { kind: 'recorded'; message: MessageOf<'UsageRecorded'> | MessageOf<'ContentFlagged'> | MessageOf<'PolicyDecided'> };

const timeOf = (message: Envelope) => Date.parse(message.occurredAt);

/** The kill switch stopping this run (or its agent), if any. */
const killCovering = (state: RunState, killSwitches: ActiveKillSwitch[], agent?: string) =>
  killSwitches.find((k) => killSwitchApplies(k, { tenant: state.tenant ?? '', check: { intentId: state.runId, subject: { agent } } }));

const describeKill = (kill: ActiveKillSwitch) => `kill switch (${kill.scope} ${kill.target}): ${kill.reason}`;

/** Policy allowed the run (perhaps after an approval): queue its first steps, unless it cannot run at all. */
function start(state: RunState, catalogue: AgentDescriptor[], killSwitches: ActiveKillSwitch[], now: number): Decision[] {
  const kill = killCovering(state, killSwitches);
  if (kill) return [rejectRun(state, describeKill(kill), `kill-switch:${kill.scope}:${kill.target}`)];
  if (state.kind === 'intent') {
    // An intent's one step always names its capability (intentDefinition).
    const target = state.definition!.steps[0].target!;
    const capable = catalogue.filter((a) => (!target.capability || a.capabilities.includes(target.capability)) && (!target.agent || (a.name === target.agent.name && (!target.agent.version || a.version === target.agent.version))));
    if (capable.length === 0) {
      const wanted = target.agent ? `agent ${target.agent.name}@${target.agent.version ?? 'any'}` : `capability ${target.capability}`;
      return [failRun(state, `no registered agent offers ${wanted}`)];
    }
    if (capable.every((a) => killCovering(state, killSwitches, a.name))) {
      return [rejectRun(state, 'every agent that could take it is stopped by a kill switch', 'kill-switch:agent')];
    }
  }
  return advance(state, now);
}

/**
 * Once a run is being cancelled, only its compensations go on: what its other steps report, and their
 * timers, change nothing (their tasks were aborted).
 */
const heldBack = (state: RunState, stepId: string) => state.cancellation !== undefined && !isCompensation(state, stepId);

/** Policy's check of a whole workflow run, as its owner's (under the bundle a fork is pinned to, if any). */
const workflowPolicyCheck = (workflowId: string, definition: WorkflowDefinition, owner: string, pinnedBundle?: string) =>
  decision('PolicyCheckRequested', {
    requestId: deriveId(workflowId, 'policy', 'intent.submit'),
    intentId: workflowId,
    action: 'intent.submit',
    subject: { owner },
    resource: { kind: 'workflow', name: definition.name },
    context: { steps: definition.steps.map((s) => s.id) },
    ...(pinnedBundle ? { pinnedBundle } : {}),
  });

function decide(input: RunInput, state: RunState): Decision[] {
  const now = timeOf(input.message);
  switch (input.kind) {
    case 'submit': {
      if (state.status !== 'new') return []; // the same intent submitted again: already under way
      const intent = input.message.payload;
      return [
        decision('IntentSubmitted', intent),
        decision('PolicyCheckRequested', {
          requestId: deriveId(intent.intentId, 'policy', 'intent.submit'),
          intentId: intent.intentId,
          action: 'intent.submit',
          subject: { owner: input.message.actor.id },
          resource: { kind: 'capability', name: intent.capability },
          context: { goal: intent.goal },
        }),
      ];
    }
    case 'run': {
      if (state.status !== 'new') return [];
      const { workflowId, definition, input: runInput, priority } = input.message.payload;
      // Re-validated here: the CLI checks too, but this is the boundary every publisher crosses.
      const problems = [...validateWorkflow(definition), ...unknownTargets(definition, input.catalogue)].map(describeProblem);
      if (problems.length > 0) return [decision('WorkflowRejected', { workflowId, reason: `invalid workflow "${definition.name}"`, problems, rule: null })];
      return [decision('WorkflowStarted', { workflowId, definition, input: runInput, priority: priority ?? definition.priority }), workflowPolicyCheck(workflowId, definition, input.message.actor.id)];
    }
    case 'forked': {
      // The new run of a reset: it starts as its parent did, with the reused steps already completed.
      if (state.status !== 'new') return [];
      const { runId, newRunId, fromStep, definition, input: runInput, priority, reused, reusedLabels, owner, agent, policyBundle } = input.message.payload;
      const forkedFrom = { runId, step: fromStep, ...(agent ? { agent } : {}), ...(policyBundle ? { policyBundle } : {}) };
      return [
        decision('WorkflowStarted', { workflowId: newRunId, definition, input: runInput, priority, forkedFrom }),
        // A reused output keeps the labels recorded with it: what it was derived from still taints the steps it feeds.
        ...Object.entries(reused).map(([stepId, output]) => decision('StepReused', { workflowId: newRunId, stepId, fromRun: runId, output, ...(reusedLabels?.[stepId] ? { labels: reusedLabels[stepId] } : {}) })),
        workflowPolicyCheck(newRunId, definition, owner, policyBundle),
      ];
    }
    case 'scheduled': {
      if (state.status !== 'new') return []; // the tick fired twice (two replicas): one run
      const { scheduleId, tickAt, workflowId, definition, input: runInput, owner } = input.message.payload;
      return [decision('WorkflowStarted', { workflowId, definition, input: runInput, priority: definition.priority, scheduled: { scheduleId, tickAt } }), workflowPolicyCheck(workflowId, definition, owner)];
    }
    case 'policy-decided': {
      const verdict = input.message.payload;
      const step = stepAwaiting(state, verdict.requestId);
      if (step) return isSettled(state) ? [] : stepPolicyDecided(state, step, verdict, now);
      if (state.status !== 'awaiting-policy' || verdict.requestId !== state.policyRequestId) return [];
      if (verdict.effect === 'require_approval') return [decision('ApprovalRequested', { intentId: state.runId!, rule: verdict.rule, reason: verdict.reason })];
      if (verdict.effect === 'deny') return [rejectRun(state, verdict.reason, verdict.rule)];
      return start(state, input.catalogue, input.killSwitches, now);
    }
    case 'approve': {
      if (input.message.payload.approvalId) return decideCall(state, input.message, now);
      if (state.status !== 'awaiting-approval') return [];
      const { comment } = input.message.payload;
      const waitedMs = Math.max(0, now - Date.parse(state.approvalRequestedAt ?? input.message.occurredAt));
      return [decision('IntentApproved', { intentId: state.runId!, approver: sender(input.message), waitedMs, ...(comment ? { comment } : {}) }), ...start(state, input.catalogue, input.killSwitches, now)];
    }
    case 'reject': {
      if (input.message.payload.approvalId) return decideCall(state, input.message, now);
      if (state.status !== 'awaiting-approval') return [];
      const { comment } = input.message.payload;
      return [rejectRun(state, `rejected by ${sender(input.message)}${comment ? `: ${comment}` : ''}`, state.approvalRule ?? null)];
    }
    case 'budget-exhausted': {
      // The run stops, whichever agent spent the last of it.
      if (state.status === 'new' || isSettled(state)) return [];
      return [failRun(state, describeOverrun(input.message.payload))];
    }
    case 'task-completed': {
      // Refused (see refusalOf), late, repeated or superseded: nothing to apply.
      if (isSettled(state) || !fromCurrentHolder(input.message, state) || heldBack(state, input.message.payload.stepId)) return [];
      const done = input.message.payload;
      return stepSucceeded(state, done.stepId, done.taskId, done.output, now, done.labels);
    }
    case 'task-failed': {
      if (isSettled(state) || !fromCurrentHolder(input.message, state) || heldBack(state, input.message.payload.stepId)) return [];
      const failed = input.message.payload;
      const closed = closedApprovals(state, failed.taskId);
      return [...closed, ...attemptFailed(applied(state, closed), failed.stepId, failed.error, failed.retryable, now)];
    }
    case 'assign': {
      const { taskId, stepId } = input.message.payload;
      const step = state.steps[stepId];
      if (isSettled(state) || step?.status !== 'queued' || step.taskId !== taskId || heldBack(state, stepId)) return [];
      // A paused run's queued task is not handed out; resuming queues it again.
      if (state.paused) return [];
      // Checked again at assignment: a switch thrown while the task waited still stops it.
      const kill = killCovering(state, input.killSwitches, input.instance.name);
      if (kill) return [rejectRun(state, describeKill(kill), `kill-switch:${kill.scope}:${kill.target}`)];
      // An input the agent declared it cannot take never reaches it, and no retry would change it.
      if (input.inputProblems?.length) return attemptFailed(state, stepId, describeInputProblems(`${input.instance.name}@${input.instance.version}`, input.inputProblems), false, now);
      const queued = state.steps[stepId];
      const target = agentTarget(state, stepId);
      return [
        decision('TaskAssigned', {
          taskId,
          intentId: state.runId!,
          stepId,
          attempt: queued.attempt,
          agent: input.instance.name,
          agentVersion: input.instance.version,
          instanceId: input.instance.instanceId,
          ...(target.capability ? { capability: target.capability } : {}),
          input: queued.input ?? {},
          ...(queued.deadline ? { deadline: queued.deadline } : {}),
          ...(queued.inputLabels?.length ? { inputLabels: queued.inputLabels } : {}),
          ...(state.policyBundle ? { policyBundle: state.policyBundle } : {}),
        }),
      ];
    }
    case 'timer': {
      const timer = input.message.payload;
      const step = state.steps[timer.stepId];
      if (isSettled(state) || !step || heldBack(state, timer.stepId)) return [];
      if (timer.kind === 'retry') {
        // Paused: the retry is queued when the run resumes.
        if (step.status !== 'retry-wait' || step.attempt + 1 !== timer.attempt || state.paused) return [];
        return [queueStep(state, timer.stepId, timer.attempt, now)];
      }
      if (step.attempt !== timer.attempt || step.taskId !== timer.taskId) return [];
      if (step.status === 'signal-wait') {
        const { wait, timeoutMs } = stepSpec(state, timer.stepId)!;
        return attemptFailed(state, timer.stepId, `no signal "${wait!.signal}" within ${timeoutMs} ms`, false, now);
      }
      if (!isOpen(step)) return [];
      // A task that waits for an agent while its run is paused gets a fresh deadline when the run resumes.
      if (state.paused && step.status === 'queued') return [];
      const { timeoutMs } = stepSpec(state, timer.stepId)!;
      const reason = step.status === 'queued' ? 'no agent instance took it in time' : `instance ${step.instanceId} did not finish in time`;
      const expired = closedApprovals(state, step.taskId!);
      const timedOut = decision('TaskExpired', { taskId: step.taskId!, intentId: state.runId!, stepId: timer.stepId, attempt: step.attempt, ...(step.instanceId ? { instanceId: step.instanceId } : {}), timeoutMs, reason });
      return [...expired, timedOut, ...attemptFailed(applied(state, [...expired, timedOut]), timer.stepId, `timed out after ${timeoutMs} ms: ${reason}`, true, now)];
    }
    case 'instance-down': {
      if (isSettled(state)) return [];
      // The same task goes back to the queue for another instance; its deadline stands.
      const { instanceId } = input.message.payload;
      return Object.entries(state.steps)
        .filter(([stepId, step]) => step.status === 'assigned' && step.instanceId === instanceId && !heldBack(state, stepId))
        .map(([stepId, step]) => requeue(state, stepId, step.deadline!));
    }
    case 'control':
      return decideControl(input.message, state, now, input.catalogue, input.bundleInForce);
    case 'call-parked':
      return callParked(state, input.message);
    case 'recorded':
      return [];
  }
}

/**
 * Why an input must be refused outright rather than decided on (the orchestrator dead-letters it with
 * this reason): a task report or a usage record that does not come from an instance the task was handed to.
 */
export function refusalOf(input: RunInput, state: RunState): string | undefined {
  if (input.kind === 'task-completed' || input.kind === 'task-failed') return reportRefusal(input.message, state);
  if (input.kind === 'control') return controlRefusal(input.message, runOf(input.message), state);
  if (input.kind === 'call-parked') return reportRefusal(input.message, state);
  // An approval, of the run or of a call parked in it, comes from the run's tenant (or the platform): an approver of
  // another tenant may not release or kill this tenant's run.
  if (input.kind === 'approve' || input.kind === 'reject') return controlRefusal(input.message, input.message.payload.intentId, state);
  if (input.kind !== 'recorded') return undefined;
  const { message } = input;
  if (message.type === 'PolicyDecided') return undefined; // another tenant's check naming the run is not recorded (runDecision)
  return message.type === 'UsageRecorded' ? usageRefusal(message, state) : flagRefusal(message, state);
}

/** A screening flag belongs in a run's history only if the run exists and is of the flagged content's tenant. */
function flagRefusal(flag: MessageOf<'ContentFlagged'>, state: RunState): string | undefined {
  if (state.runId === undefined) return `ContentFlagged for run ${flag.payload.intentId}, which does not exist`;
  if (flag.tenant !== state.tenant) return `ContentFlagged in tenant ${flag.tenant}, but run ${state.runId} belongs to tenant ${state.tenant}`;
  return undefined;
}

function requeue(state: RunState, stepId: string, deadline: string): Decision {
  const { payload } = queueStep(state, stepId, state.steps[stepId].attempt, 0) as Decision<'TaskQueued'>;
  return decision('TaskQueued', { ...payload, input: state.steps[stepId].input ?? payload.input, deadline });
}

export const orchestrationDecider: Decider<RunInput, RunState> = {
  name: 'orchestration',
  initialState: initialRunState,
  decide,
  evolve,
};
