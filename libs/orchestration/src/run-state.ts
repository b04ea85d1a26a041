import type { CallApproval } from './call-approvals';
import { EVENT_STREAMS, MAIN_STEP, type ContentLabel, type Envelope, type MessageOf, type PayloadOf, type Priority, type WorkflowDefinition } from '@agentos/contracts';

export type RunKind = 'intent' | 'workflow';
export type RunStatus = 'new' | 'awaiting-policy' | 'awaiting-approval' | 'running' | 'completed' | 'rejected' | 'failed' | 'cancelled';
/** `policy-check`: ready, waiting for policy's verdict on the step itself before its task is queued. */
export type StepStatus = 'waiting' | 'policy-check' | 'queued' | 'assigned' | 'retry-wait' | 'signal-wait' | 'completed' | 'failed' | 'skipped';

export interface StepState {
  status: StepStatus;
  /** The attempt running, or the last one that ran. */
  attempt: number;
  taskId?: string;
  instanceId?: string;
  deadline?: string;
  /** The resolved input of the queued attempt. */
  input?: Record<string, unknown>;
  /** The labels of the step outputs that input was built from. */
  inputLabels?: ContentLabel[];
  retryDueAt?: string;
  /** The step's own policy check, while it is pending. */
  policyRequestId?: string;
  output?: unknown;
  /** What the agent had read when it produced the output: the output carries these labels onwards. */
  labels?: ContentLabel[];
  error?: string;
  /** The last attempt before the run was retried (RetryRun): the step's own retries count from there. */
  retriedFrom?: number;
}

/** One run: an intent (a single step behind policy and approval) or a declarative workflow. */
export interface RunState {
  status: RunStatus;
  kind?: RunKind;
  runId?: string;
  tenant?: string;
  /** Who submitted the run (the actor id its policy check named): each workflow step is checked as theirs. */
  owner?: string;
  intent?: PayloadOf<'IntentSubmitted'>;
  definition?: WorkflowDefinition;
  input: Record<string, unknown>;
  priority: Priority;
  policyRequestId?: string;
  approvalRule?: string | null;
  approvalRequestedAt?: string;
  steps: Record<string, StepState>;
  /** Who each task was handed to, in order, by task id: a requeued task keeps its id and gains a holder. */
  assignments: Record<string, { agent: string; instanceId: string }[]>;
  /** The first step that failed for good; set while its compensation runs. */
  failure?: { step: string; error: string };
  /** Paused (PauseRuns): no step starts until it is resumed. */
  paused?: { by: string; at: string };
  /** Being cancelled (CancelRun): only these compensations may still run, then the run ends cancelled. */
  cancellation?: { by: string; reason: string; compensations: string[] };
  /** Calls parked inside running steps, by approval id. */
  approvals: Record<string, CallApproval>;
  /** The policy bundle version a fork is pinned to: every check of it, and of its agents, names it. */
  policyBundle?: string;
  /** The orchestrator replica that took the run over last (RunOwnerChanged): no other may decide it. */
  decidedBy?: string;
}

export const initialRunState: RunState = { status: 'new', input: {}, priority: 'normal', steps: {}, assignments: {}, approvals: {} };

/** The event-store stream of a run (intent or workflow). */
export const workflowStream = EVENT_STREAMS.run;

/** Intents are one-step runs; their agents used to retry a task three times, and still do. */
export const INTENT_STEP_DEFAULTS = { timeoutMs: 10 * 60_000, retries: { max: 2, initialBackoffMs: 250, maxBackoffMs: 10_000 } };

export function intentDefinition(intent: PayloadOf<'IntentSubmitted'>): WorkflowDefinition {
  return {
    name: 'intent',
    priority: 'normal',
    steps: [
      {
        id: MAIN_STEP,
        target: { capability: intent.capability, ...(intent.agent ? { agent: intent.agent } : {}) },
        needs: [],
        input: { goal: intent.goal, ...intent.input },
        onFailure: { kind: 'fail' },
        ...INTENT_STEP_DEFAULTS,
      },
    ],
    compensations: [],
  };
}

const withStep = (state: RunState, stepId: string, change: Partial<StepState>): RunState => ({
  ...state,
  steps: { ...state.steps, [stepId]: { ...(state.steps[stepId] ?? { status: 'waiting', attempt: 0 }), ...change } },
});

const waitingSteps = (definition: WorkflowDefinition) => Object.fromEntries(definition.steps.map((s) => [s.id, { status: 'waiting', attempt: 0 } as StepState]));

/** Decider state from recorded events; facts recorded only as inputs (PolicyDecided, TaskCompleted, ...) change nothing. */
export function evolve(state: RunState, event: Pick<Envelope, 'type' | 'payload'> & Partial<Envelope>): RunState {
  switch (event.type) {
    case 'IntentSubmitted': {
      const intent = (event as MessageOf<'IntentSubmitted'>).payload;
      const definition = intentDefinition(intent);
      return { ...state, kind: 'intent', status: 'awaiting-policy', runId: intent.intentId, intent, definition, steps: waitingSteps(definition), tenant: event.tenant };
    }
    case 'StepReused': {
      const { stepId, output, labels } = (event as MessageOf<'StepReused'>).payload;
      return withStep(state, stepId, { status: 'completed', output, labels });
    }
    case 'WorkflowStarted': {
      const { workflowId, definition, input, priority, forkedFrom } = (event as MessageOf<'WorkflowStarted'>).payload;
      const pinned = forkedFrom?.policyBundle ? { policyBundle: forkedFrom.policyBundle } : {};
      return { ...state, kind: 'workflow', status: 'awaiting-policy', runId: workflowId, definition, input, priority, steps: waitingSteps(definition), tenant: event.tenant, ...pinned };
    }
    case 'PolicyCheckRequested': {
      const { requestId, subject, context } = (event as MessageOf<'PolicyCheckRequested'>).payload;
      const step = typeof context.step === 'string' ? context.step : undefined;
      // A retried run checks a step again as its next attempt.
      if (step) return withStep({ ...state, status: 'running' }, step, { status: 'policy-check', attempt: (state.steps[step]?.attempt ?? 0) + 1, policyRequestId: requestId });
      return { ...state, policyRequestId: requestId, owner: subject.owner };
    }
    case 'ApprovalRequested':
      return { ...state, status: 'awaiting-approval', approvalRule: (event as MessageOf<'ApprovalRequested'>).payload.rule, approvalRequestedAt: event.occurredAt };
    case 'TaskQueued': {
      const { stepId, attempt, taskId, deadline, input, inputLabels } = (event as MessageOf<'TaskQueued'>).payload;
      return withStep({ ...state, status: 'running' }, stepId, { status: 'queued', attempt, taskId, deadline, input, inputLabels, instanceId: undefined, policyRequestId: undefined });
    }
    case 'TaskAssigned': {
      const { stepId, taskId, agent, instanceId } = (event as MessageOf<'TaskAssigned'>).payload;
      const holders = [...(state.assignments[taskId] ?? []), { agent, instanceId }];
      return { ...withStep(state, stepId, { status: 'assigned', instanceId }), assignments: { ...state.assignments, [taskId]: holders } };
    }
    case 'StepRetryScheduled': {
      const { stepId, attempt, dueAt, error } = (event as MessageOf<'StepRetryScheduled'>).payload;
      return withStep(state, stepId, { status: 'retry-wait', attempt: attempt - 1, retryDueAt: dueAt, error, instanceId: undefined });
    }
    case 'StepCompleted': {
      const { stepId, output, labels } = (event as MessageOf<'StepCompleted'>).payload;
      return withStep(state, stepId, { status: 'completed', output, labels });
    }
    case 'StepFailed': {
      const { stepId, error } = (event as MessageOf<'StepFailed'>).payload;
      return { ...withStep(state, stepId, { status: 'failed', error }), failure: state.failure ?? { step: stepId, error } };
    }
    case 'StepSkipped': {
      const { stepId, reason } = (event as MessageOf<'StepSkipped'>).payload;
      return withStep(state, stepId, { status: 'skipped', error: reason });
    }
    case 'IntentCompleted': {
      const { output } = (event as MessageOf<'IntentCompleted'>).payload;
      return { ...withStep(state, 'main', { status: 'completed', output }), status: 'completed' };
    }
    case 'WorkflowCompleted':
      return { ...state, status: 'completed' };
    case 'IntentRejected':
    case 'WorkflowRejected':
      return { ...state, status: 'rejected' };
    case 'IntentFailed':
    case 'WorkflowFailed':
      return { ...state, status: 'failed' };
    case 'SignalWaitStarted': {
      const { stepId, attempt, waitId, deadline } = (event as MessageOf<'SignalWaitStarted'>).payload;
      return withStep({ ...state, status: 'running' }, stepId, { status: 'signal-wait', attempt, taskId: waitId, deadline });
    }
    case 'CallApprovalRequested': {
      const { approvalId, stepId, taskId, expiresAt, agent, action, resource, args } = (event as MessageOf<'CallApprovalRequested'>).payload;
      const call = { agent, action, resource, args };
      return { ...state, approvals: { ...state.approvals, [approvalId]: { stepId, taskId, status: 'pending', requestedAt: event.occurredAt ?? expiresAt, expiresAt, call } } };
    }
    case 'CallApproved':
    case 'CallRejected': {
      const { approvalId } = (event as MessageOf<'CallApproved'>).payload;
      const reason = event.type === 'CallRejected' ? (event as MessageOf<'CallRejected'>).payload.reason : undefined;
      const approval = state.approvals[approvalId];
      if (!approval) return state;
      return { ...state, approvals: { ...state.approvals, [approvalId]: { ...approval, status: event.type === 'CallApproved' ? 'approved' : 'rejected', ...(reason ? { reason } : {}) } } };
    }
    case 'RunPaused':
      return { ...state, paused: { by: (event as MessageOf<'RunPaused'>).payload.pausedBy, at: event.occurredAt ?? '' } };
    case 'RunResumed':
      return { ...state, paused: undefined };
    case 'RunCancellationStarted': {
      const { cancelledBy, reason, compensations } = (event as MessageOf<'RunCancellationStarted'>).payload;
      return { ...state, paused: undefined, cancellation: { by: cancelledBy, reason, compensations } };
    }
    case 'RunCancelled':
      return { ...state, status: 'cancelled' };
    case 'RunRetried':
      return retried(state, (event as MessageOf<'RunRetried'>).payload.steps);
    case 'RunOwnerChanged':
      return { ...state, decidedBy: (event as MessageOf<'RunOwnerChanged'>).payload.owner };
    default:
      return state;
  }
}

/** The run again, from the given steps: each waits to run its next attempt; compensations that ran may run again. */
function retried(state: RunState, stepIds: string[]): RunState {
  const compensations = new Set(state.definition?.compensations.map((c) => c.id));
  const steps = Object.fromEntries(Object.entries(state.steps).filter(([id]) => !compensations.has(id)));
  for (const id of stepIds) steps[id] = { status: 'waiting', attempt: steps[id]?.attempt ?? 0, retriedFrom: steps[id]?.attempt ?? 0 };
  return { ...state, status: 'running', steps, failure: undefined };
}

export const isSettled = (state: RunState) => ['completed', 'rejected', 'failed', 'cancelled'].includes(state.status);
export const isOpen = (step: StepState | undefined) => step?.status === 'queued' || step?.status === 'assigned';
