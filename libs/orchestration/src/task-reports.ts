import type { Envelope, MessageOf } from '@agentos/contracts';
import type { RunState } from './run-state';

/** What an agent instance says about a task it was handed. */
export type TaskReport = MessageOf<'TaskCompleted'> | MessageOf<'TaskFailed'> | MessageOf<'TaskProgressed'> | MessageOf<'CallParked'>;

/** What a report or a usage record claims: sent by this agent (and instance, when it says) about this task. */
interface Claim extends Pick<Envelope, 'type' | 'tenant' | 'actor'> {
  payload: { taskId: string; intentId: string; agent: string; instanceId?: string };
}

/** What a claim is checked against: the run's tenant and who its tasks were handed to (all a run's history or an index of its assignments need to hold). */
export type RunAssignments = Pick<RunState, 'tenant' | 'assignments'>;

/** An agent's actor id is `<name>@<version>`. */
const agentNameOf = (actorId: string) => actorId.split('@')[0];

/**
 * Why a claim about a task must be refused, or undefined when it comes from an instance the task was
 * handed to. The envelope's tenant and actor are authenticated by the broker; the payload is only what
 * the sender says, so it must agree with the sender and with the run's own record of the assignment.
 */
function claimRefusal(claim: Claim, state: RunAssignments): string | undefined {
  const { taskId, intentId, instanceId, agent } = claim.payload;
  const about = `${claim.type} for task ${taskId} from ${claim.actor.kind}:${claim.actor.id}${instanceId ? ` instance ${instanceId}` : ''}`;
  const holders = state.assignments[taskId] ?? [];
  if (holders.length === 0) return `${about}, but run ${intentId} never assigned that task`;
  if (claim.tenant !== state.tenant) return `${about} in tenant ${claim.tenant}, but run ${intentId} belongs to tenant ${state.tenant}`;
  const sender = claim.actor.kind === 'agent' ? agentNameOf(claim.actor.id) : undefined;
  if (holders.some((h) => h.agent === sender && h.agent === agent && (instanceId === undefined || h.instanceId === instanceId))) return undefined;
  const holder = holders.at(-1)!;
  return `${about} (payload agent ${agent}), but the task is assigned to ${holder.agent} instance ${holder.instanceId}`;
}

/**
 * A report from an instance that held the task before it was taken back is not refused (the agent did
 * nothing wrong), but it is not applied either: see fromCurrentHolder.
 */
export const reportRefusal = (report: TaskReport, state: RunState): string | undefined => claimRefusal(report, state);

/**
 * Spending is charged to a run only by an agent that was handed one of its tasks (any of its holders:
 * an instance that lost the task still spent), in the run's tenant. UsageRecorded names no instance.
 */
export const usageRefusal = (usage: MessageOf<'UsageRecorded'>, state: RunAssignments): string | undefined => claimRefusal(usage, state);

/** A report to apply: from the instance holding the task's current attempt. */
export function fromCurrentHolder(report: TaskReport, state: RunState): boolean {
  const step = state.steps[report.payload.stepId];
  return reportRefusal(report, state) === undefined && step?.status === 'assigned' && step.taskId === report.payload.taskId && step.instanceId === report.payload.instanceId;
}
