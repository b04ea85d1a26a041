import { deriveId, type ActiveKillSwitch, type AgentDescriptor, type Envelope, type MessageOf, type PayloadOf } from '@agentos/contracts';
import { decision, type Decider, type Decision } from '@agentos/decider';
import { describeOverrun, killSwitchApplies } from '@agentos/policy-engine';

export type IntentStatus = 'new' | 'awaiting-policy' | 'awaiting-approval' | 'assigned' | 'completed' | 'rejected' | 'failed';

export interface IntentState {
  status: IntentStatus;
  intent?: PayloadOf<'IntentSubmitted'>;
  policyRequestId?: string;
  taskId?: string;
  requestedBy?: string;
  tenant?: string;
  approvalRule?: string | null;
  approvalRequestedAt?: string;
}

/** What the orchestrator hands its decider: the message, plus what it looked up for it. */
export type IntentInput =
  | { kind: 'submit'; message: MessageOf<'SubmitIntent'> }
  | { kind: 'policy-decided'; message: MessageOf<'PolicyDecided'>; candidates: AgentDescriptor[]; killSwitches: ActiveKillSwitch[] }
  | { kind: 'approve'; message: MessageOf<'ApproveIntent'>; candidates: AgentDescriptor[]; killSwitches: ActiveKillSwitch[] }
  | { kind: 'reject'; message: MessageOf<'RejectIntent'> }
  | { kind: 'budget-exhausted'; message: MessageOf<'BudgetExhausted'> }
  | { kind: 'task-completed'; message: MessageOf<'TaskCompleted'> }
  | { kind: 'task-failed'; message: MessageOf<'TaskFailed'> };

/** The event-store stream of a workflow run; an intent is a one-step workflow. */
export const workflowStream = (intentId: string) => `workflow-${intentId}`;

const compareSemver = (a: string, b: string) => {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < 3; i += 1) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
};

/** Pinned agent (and version) if the intent names one; else the newest version of the first agent by name. */
export function chooseAgent(intent: PayloadOf<'IntentSubmitted'>, candidates: readonly AgentDescriptor[]): AgentDescriptor | undefined {
  const eligible = candidates.filter(
    (c) =>
      c.capabilities.includes(intent.capability) &&
      (!intent.agent || (c.name === intent.agent.name && (!intent.agent.version || c.version === intent.agent.version))),
  );
  return [...eligible].sort((a, b) => a.name.localeCompare(b.name) || compareSemver(b.version, a.version))[0];
}

const actorName = (message: Envelope) => `${message.actor.kind}:${message.actor.id}`;

/** Hands the intent to a live agent: kill switches thrown after the policy check still stop it. */
function assign(state: IntentState, intent: PayloadOf<'IntentSubmitted'>, candidates: AgentDescriptor[], killSwitches: ActiveKillSwitch[]): Decision[] {
  const intentId = intent.intentId;
  const request = (agent?: string) => ({ tenant: state.tenant ?? '', check: { intentId, subject: { agent } } });
  const kill = killSwitches.find((k) => killSwitchApplies(k, request()));
  if (kill) return [decision('IntentRejected', { intentId, reason: `kill switch (${kill.scope} ${kill.target}): ${kill.reason}`, rule: `kill-switch:${kill.scope}:${kill.target}` })];
  const live = candidates.filter((c) => !killSwitches.some((k) => killSwitchApplies(k, request(c.name))));
  const agent = chooseAgent(intent, live);
  if (!agent && live.length < candidates.length && chooseAgent(intent, candidates)) {
    return [decision('IntentRejected', { intentId, reason: 'every agent that could take it is stopped by a kill switch', rule: 'kill-switch:agent' })];
  }
  if (!agent) {
    const wanted = intent.agent ? `agent ${intent.agent.name}@${intent.agent.version ?? 'any'}` : `capability ${intent.capability}`;
    return [decision('IntentFailed', { intentId, reason: `no registered agent offers ${wanted}` })];
  }
  return [
    decision('TaskAssigned', {
      taskId: deriveId(intentId, 'task', '1'),
      intentId,
      agent: agent.name,
      agentVersion: agent.version,
      capability: intent.capability,
      input: { goal: intent.goal, ...intent.input },
    }),
  ];
}

function decide(input: IntentInput, state: IntentState): Decision[] {
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
    case 'policy-decided': {
      const verdict = input.message.payload;
      if (state.status !== 'awaiting-policy' || verdict.requestId !== state.policyRequestId || !state.intent) return [];
      const intentId = state.intent.intentId;
      if (verdict.effect === 'require_approval') return [decision('ApprovalRequested', { intentId, rule: verdict.rule, reason: verdict.reason })];
      if (verdict.effect === 'deny') return [decision('IntentRejected', { intentId, reason: verdict.reason, rule: verdict.rule })];
      return assign(state, state.intent, input.candidates, input.killSwitches);
    }
    case 'approve': {
      if (state.status !== 'awaiting-approval' || !state.intent) return [];
      const { comment } = input.message.payload;
      const waitedMs = Math.max(0, Date.parse(input.message.occurredAt) - Date.parse(state.approvalRequestedAt ?? input.message.occurredAt));
      const approved = decision('IntentApproved', { intentId: state.intent.intentId, approver: actorName(input.message), waitedMs, ...(comment ? { comment } : {}) });
      return [approved, ...assign(state, state.intent, input.candidates, input.killSwitches)];
    }
    case 'reject': {
      if (state.status !== 'awaiting-approval' || !state.intent) return [];
      const { comment } = input.message.payload;
      const reason = `rejected by ${actorName(input.message)}${comment ? `: ${comment}` : ''}`;
      return [decision('IntentRejected', { intentId: state.intent.intentId, reason, rule: state.approvalRule ?? null })];
    }
    case 'budget-exhausted': {
      // The workflow stops, whichever agent spent the last of it.
      if (!state.intent || ['completed', 'rejected', 'failed'].includes(state.status)) return [];
      const { scope, metric, used, limit } = input.message.payload;
      return [decision('IntentFailed', { intentId: state.intent.intentId, reason: describeOverrun({ scope, metric, used, limit }) })];
    }
    case 'task-completed': {
      const done = input.message.payload;
      if (state.status !== 'assigned' || done.taskId !== state.taskId) return [];
      return [decision('IntentCompleted', { intentId: done.intentId, taskId: done.taskId, output: done.output })];
    }
    case 'task-failed': {
      const failed = input.message.payload;
      if (state.status !== 'assigned' || failed.taskId !== state.taskId) return [];
      return [decision('IntentFailed', { intentId: failed.intentId, reason: `task failed: ${failed.error}` })];
    }
  }
}

function evolve(state: IntentState, event: Envelope): IntentState {
  switch (event.type) {
    case 'IntentSubmitted':
      return { ...state, status: 'awaiting-policy', intent: (event as MessageOf<'IntentSubmitted'>).payload, requestedBy: event.actor.id, tenant: event.tenant };
    case 'ApprovalRequested':
      return { ...state, status: 'awaiting-approval', approvalRule: (event as MessageOf<'ApprovalRequested'>).payload.rule, approvalRequestedAt: event.occurredAt };
    case 'PolicyCheckRequested':
      return { ...state, policyRequestId: (event as MessageOf<'PolicyCheckRequested'>).payload.requestId };
    case 'TaskAssigned':
      return { ...state, status: 'assigned', taskId: (event as MessageOf<'TaskAssigned'>).payload.taskId };
    case 'IntentRejected':
      return { ...state, status: 'rejected' };
    case 'IntentCompleted':
      return { ...state, status: 'completed' };
    case 'IntentFailed':
      return { ...state, status: 'failed' };
    default:
      return state; // recorded inputs (PolicyDecided, TaskCompleted, ...) change nothing by themselves
  }
}

export const intentDecider: Decider<IntentInput, IntentState> = {
  name: 'intent',
  initialState: { status: 'new' },
  decide,
  evolve,
};
