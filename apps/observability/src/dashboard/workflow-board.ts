import type { AnyMessage } from '@agentos/contracts';

export interface BoardStep {
  type: string;
  at: string;
  by: string;
}

export interface BoardWorkflow {
  id: string;
  tenant: string;
  goal: string;
  capability: string;
  status: string;
  startedAt: string;
  steps: BoardStep[];
}

const KEPT = 200;
const STEPS = new Set([
  ...['IntentSubmitted', 'WorkflowStarted', 'PolicyDecided', 'ApprovalRequested', 'IntentApproved', 'TaskQueued', 'TaskAssigned', 'TaskCompleted', 'TaskFailed', 'TaskExpired'],
  ...['StepCompleted', 'StepFailed', 'StepSkipped', 'StepRetryScheduled', 'IntentCompleted', 'IntentRejected', 'IntentFailed', 'WorkflowCompleted', 'WorkflowFailed', 'WorkflowRejected', 'BudgetExhausted'],
]);
const STATUS: Record<string, string> = {
  IntentSubmitted: 'running',
  WorkflowStarted: 'running',
  ApprovalRequested: 'awaiting approval',
  IntentCompleted: 'completed',
  WorkflowCompleted: 'completed',
  IntentRejected: 'rejected',
  WorkflowRejected: 'rejected',
  IntentFailed: 'failed',
  WorkflowFailed: 'failed',
};

/** What the board shows as the run's goal and need: an intent's, or a workflow's name and steps. */
function describeStart(message: AnyMessage): { goal: string; capability: string } | undefined {
  if (message.type === 'IntentSubmitted') return { goal: message.payload.goal, capability: message.payload.capability };
  if (message.type === 'WorkflowStarted') {
    const { name, description, steps } = message.payload.definition;
    return { goal: description ?? name, capability: `workflow ${name} (${steps.length} steps)` };
  }
  return undefined;
}

/** The recent workflows and their steps, for the dashboard's timeline; bounded to the last 200. */
export class WorkflowBoard {
  private readonly workflows = new Map<string, BoardWorkflow>();

  /** Returns the workflow the message changed, if it is one the board shows. */
  apply(message: AnyMessage): BoardWorkflow | undefined {
    const payload = message.payload as { intentId?: string; workflowId?: string; stepId?: string };
    const runId = payload.intentId ?? payload.workflowId;
    if (!runId || !STEPS.has(message.type)) return undefined;
    let workflow = this.workflows.get(runId);
    if (!workflow) {
      const start = describeStart(message);
      if (!start) return undefined;
      workflow = { id: runId, tenant: message.tenant, ...start, status: 'running', startedAt: message.occurredAt, steps: [] };
      this.workflows.set(runId, workflow);
      if (this.workflows.size > KEPT) this.workflows.delete(this.workflows.keys().next().value as string);
    }
    // A workflow's events name their step, so the Gantt bars tell the steps apart.
    const type = payload.stepId && payload.stepId !== 'main' ? `${message.type} ${payload.stepId}` : message.type;
    if (!workflow.steps.some((s) => s.type === type && s.at === message.occurredAt)) {
      workflow.steps.push({ type, at: message.occurredAt, by: message.actor.id });
      workflow.steps.sort((a, b) => a.at.localeCompare(b.at));
    }
    workflow.status = STATUS[message.type] ?? workflow.status;
    return workflow;
  }

  /** The tenant of a run the board remembers. */
  tenantOf(runId: string): string | undefined {
    return this.workflows.get(runId)?.tenant;
  }

  recent(): BoardWorkflow[] {
    return [...this.workflows.values()].reverse();
  }
}
