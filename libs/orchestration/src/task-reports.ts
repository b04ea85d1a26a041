import type { MessageOf } from '@agentos/contracts';
import type { RunState } from './run-state';

/** What an agent instance says about a task it was handed. */
export type TaskReport = MessageOf<'TaskCompleted'> | MessageOf<'TaskFailed'> | MessageOf<'TaskProgressed'>;

/** An agent's actor id is `<name>@<version>`. */
const agentNameOf = (actorId: string) => actorId.split('@')[0];

/**
 * Why a report must be refused, or undefined when it comes from an instance the task was handed to.
 * The envelope's tenant and actor are authenticated by the broker; the payload is only what the sender
 * claims, so it must agree with the sender and with the run's own record of the assignment. A report
 * from an instance that held the task before it was taken back is not refused (the agent did nothing
 * wrong), but it is not applied either: only the current holder's report counts.
 */
export function reportRefusal(report: TaskReport, state: RunState): string | undefined {
  const { taskId, intentId, instanceId, agent } = report.payload;
  const about = `${report.type} for task ${taskId} from ${report.actor.kind}:${report.actor.id} instance ${instanceId}`;
  const holders = state.assignments[taskId] ?? [];
  if (holders.length === 0) return `${about}, but run ${intentId} never assigned that task`;
  if (report.tenant !== state.tenant) return `${about} in tenant ${report.tenant}, but run ${intentId} belongs to tenant ${state.tenant}`;
  const sender = report.actor.kind === 'agent' ? agentNameOf(report.actor.id) : undefined;
  if (holders.some((h) => h.agent === sender && h.agent === agent && h.instanceId === instanceId)) return undefined;
  const holder = holders.at(-1)!;
  return `${about} (payload agent ${agent}), but the task is assigned to ${holder.agent} instance ${holder.instanceId}`;
}

/** A report to apply: from the instance holding the task's current attempt, while the run is open. */
export function fromCurrentHolder(report: TaskReport, state: RunState): boolean {
  const step = state.steps[report.payload.stepId];
  return reportRefusal(report, state) === undefined && step?.status === 'assigned' && step.taskId === report.payload.taskId && step.instanceId === report.payload.instanceId;
}
