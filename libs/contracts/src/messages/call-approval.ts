import { z } from 'zod';
import { PolicyAction, PolicyResource } from './policy';
import { InstanceId, JsonObject, Name } from './shared';

/**
 * Approvals inside a run: a call an agent makes from a running step (tool.call, llm.call, secret.read, memory.write) that a
 * policy rule says needs approval is parked, not denied. The agent states CallParked and waits (its task
 * kept: the step holds its lease and its delivery); the orchestrator records CallApprovalRequested in the run;
 * an approver approves or rejects it (ApproveIntent / RejectIntent naming the approvalId); the step's deadline
 * rejects what no one decided. (ApprovalRequested, by contrast, parks a whole run before it starts.)
 */

const ParkedCall = {
  /** Derived by the agent from the task and the call's place in it: a redelivered task parks the same call. */
  approvalId: z.uuid(),
  intentId: z.uuid(),
  taskId: z.uuid(),
  stepId: Name,
  agent: Name,
  action: PolicyAction,
  resource: PolicyResource,
  /** The call's arguments as the agent's redacting publisher sent them (known secrets replaced). */
  args: JsonObject,
  rule: z.string().nullable(),
  reason: z.string(),
};

/** Stated by the agent instance holding the task. */
export const CallParked = z.object({ ...ParkedCall, instanceId: InstanceId });

/** Recorded by the orchestrator in the run's history: an approver may now decide it until `expiresAt`. */
export const CallApprovalRequested = z.object({ ...ParkedCall, expiresAt: z.iso.datetime() });

export const CallApproved = z.object({ intentId: z.uuid(), approvalId: z.uuid(), stepId: Name, approver: z.string(), comment: z.string().optional(), waitedMs: z.number().int().nonnegative() });

/** Rejected by an approver, or by the deadline (`rejectedBy` is then `deadline`). */
export const CallRejected = z.object({ intentId: z.uuid(), approvalId: z.uuid(), stepId: Name, rejectedBy: z.string(), reason: z.string() });

/** Asked by the parked agent until the call is decided (an answer survives orchestrator restarts: it is read from the run's history). */
export const GetCallApproval = z.object({ intentId: z.uuid(), approvalId: z.uuid() });
export const CallApprovalState = z.object({
  status: z.enum(['pending', 'approved', 'rejected', 'unknown']),
  reason: z.string().optional(),
  /** The call as recorded for the approver: a service that enforces the approval (memory) checks it is the call it is asked to make. */
  call: z.object({ agent: Name, action: PolicyAction, resource: PolicyResource, args: JsonObject }).optional(),
});
