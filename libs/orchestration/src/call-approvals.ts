import { SYSTEM_TENANT, type Envelope, type MessageOf, type PayloadOf, type ReplyOf } from '@agentos/contracts';
import { decision, type Decision } from '@agentos/decider';
import { isSettled, type RunState } from './run-state';
import { sender } from './run-control';

/** A call parked inside a running step, waiting for an approver (see CallApprovalRequested). */
export interface CallApproval {
  stepId: string;
  taskId: string;
  status: 'pending' | 'approved' | 'rejected';
  requestedAt: string;
  expiresAt: string;
  reason?: string;
  /** The call as the agent stated it (arguments redacted): what the approver saw, and what an enforcing service checks. */
  call: Pick<PayloadOf<'CallApprovalRequested'>, 'agent' | 'action' | 'resource' | 'args'>;
}

/**
 * The agent holding a task parked one of its calls: it is recorded for an approver, who may decide it until the
 * step's deadline. A call parked twice (a redelivered task parks the same approval id) is recorded once; a call
 * from a task the run no longer waits on is not recorded (its agent then waits until its own deadline).
 */
export function callParked(state: RunState, parked: MessageOf<'CallParked'>): Decision[] {
  const { approvalId, intentId, taskId, stepId, agent, action, resource, args, rule, reason, instanceId } = parked.payload;
  const step = state.steps[stepId];
  if (isSettled(state) || state.cancellation || state.approvals[approvalId]) return [];
  if (step?.status !== 'assigned' || step.taskId !== taskId || step.instanceId !== instanceId || !step.deadline) return [];
  return [decision('CallApprovalRequested', { approvalId, intentId, taskId, stepId, agent, action, resource, args, rule, reason, expiresAt: step.deadline })];
}

/** An approver's decision on a parked call; one the approval's state does not allow is refused, saying why. */
export function decideCall(state: RunState, command: MessageOf<'ApproveIntent'> | MessageOf<'RejectIntent'>, now: number): Decision[] {
  const approvalId = command.payload.approvalId!;
  const { comment } = command.payload;
  const approval = state.approvals[approvalId];
  const refused = (reason: string) => [decision('RunCommandRefused', { runId: state.runId!, command: command.type, refusedFor: sender(command), reason })];
  if (!approval) return refused(`run ${state.runId} has no approval ${approvalId}`);
  if (approval.status !== 'pending') return refused(`approval ${approvalId} was already ${approval.status}${approval.reason ? ` (${approval.reason})` : ''}`);
  if (isSettled(state)) return refused(`run ${state.runId} already ended ${state.status}`);
  if (now >= Date.parse(approval.expiresAt)) return refused(`approval ${approvalId} expired at ${approval.expiresAt}`);
  const about = { intentId: state.runId!, approvalId, stepId: approval.stepId };
  if (command.type === 'ApproveIntent') {
    return [decision('CallApproved', { ...about, approver: sender(command), ...(comment ? { comment } : {}), waitedMs: Math.max(0, now - Date.parse(approval.requestedAt)) })];
  }
  return [decision('CallRejected', { ...about, rejectedBy: sender(command), reason: `rejected by ${sender(command)}${comment ? `: ${comment}` : ''}` })];
}

/**
 * The task ended (its deadline came, or it failed: its agent gives up at the deadline too): what was still
 * parked in it is rejected with it, so no approver decides a call nobody waits for.
 */
export function closedApprovals(state: RunState, taskId: string): Decision[] {
  return Object.entries(state.approvals)
    .filter(([, approval]) => approval.taskId === taskId && approval.status === 'pending')
    .map(([approvalId, approval]) =>
      decision('CallRejected', { intentId: state.runId!, approvalId, stepId: approval.stepId, rejectedBy: 'deadline', reason: `not decided before its task ended (deadline ${approval.expiresAt})` }),
    );
}

/** What the parked agent is told when it asks: a call of a run that ended is rejected with it. */
export function approvalState(state: RunState, query: Envelope, approvalId: string): ReplyOf<'GetCallApproval'> {
  const approval = state.approvals[approvalId];
  if (!approval || (query.tenant !== state.tenant && query.tenant !== SYSTEM_TENANT)) return { status: 'unknown' };
  const { call } = approval;
  if (approval.status === 'pending' && isSettled(state)) return { status: 'rejected', reason: `run ${state.runId} ended ${state.status}`, call };
  if (approval.status === 'pending' && state.cancellation) return { status: 'rejected', reason: `run ${state.runId} is being cancelled`, call };
  return { status: approval.status, ...(approval.reason ? { reason: approval.reason } : {}), call };
}
