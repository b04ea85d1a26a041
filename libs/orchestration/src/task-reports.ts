import { mergeLabels, type ContentLabel, type Envelope, type MessageOf } from '@agentos/contracts';
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
 * Spending (a UsageRecorded, or the usage a TaskCompleted carries) is charged to a run only by an agent that was
 * handed one of its tasks (any of its holders: an instance that lost the task still spent), in the run's tenant.
 */
export const usageRefusal = (usage: MessageOf<'UsageRecorded'> | MessageOf<'TaskCompleted'>, state: RunAssignments): string | undefined => claimRefusal(usage, state);

/** A report to apply: from the instance holding the task's current attempt. */
export function fromCurrentHolder(report: TaskReport, state: RunState): boolean {
  const step = state.steps[report.payload.stepId];
  return reportRefusal(report, state) === undefined && step?.status === 'assigned' && step.taskId === report.payload.taskId && step.instanceId === report.payload.instanceId;
}

/** A run's assignments with the labels of the input each task was handed (TaskAssigned.inputLabels). */
export interface HandedRun extends RunAssignments {
  taskInputLabels: Record<string, ContentLabel[] | undefined>;
}

/** The same from a run's history: a step's current task carries the labels of its input. */
export const handedRunOf = (state: RunState): HandedRun => ({
  tenant: state.tenant,
  assignments: state.assignments,
  taskInputLabels: Object.fromEntries(Object.values(state.steps).flatMap((step) => (step.taskId ? [[step.taskId, step.inputLabels]] : []))),
});

/**
 * What an agent's policy check for a run must carry at least: the labels of every input the run handed that agent.
 * The agent's own labels (what it read within the step) are its SDK's word; what it was given is the run's record,
 * so leaving labels out of a check cannot make untrusted input look trusted. A check for a run that handed the
 * agent nothing, or for a run of another tenant, is refused.
 */
export function labelsHandedTo(run: HandedRun, check: Pick<Envelope, 'tenant' | 'actor'>): { labels: ContentLabel[] } | { refusal: string } {
  const agent = agentNameOf(check.actor.id);
  const tasks = Object.keys(run.assignments).filter((taskId) => run.assignments[taskId].some((holder) => holder.agent === agent));
  if (tasks.length === 0 || check.tenant !== run.tenant) return { refusal: `agent ${agent} of tenant ${check.tenant} holds no task of this run` };
  return { labels: mergeLabels(...tasks.map((taskId) => run.taskInputLabels[taskId])) };
}
