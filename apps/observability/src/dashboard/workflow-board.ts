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
const STEPS = new Set(['IntentSubmitted', 'PolicyDecided', 'ApprovalRequested', 'IntentApproved', 'TaskAssigned', 'TaskCompleted', 'TaskFailed', 'IntentCompleted', 'IntentRejected', 'IntentFailed', 'BudgetExhausted']);
const STATUS: Record<string, string> = { IntentSubmitted: 'running', ApprovalRequested: 'awaiting approval', IntentCompleted: 'completed', IntentRejected: 'rejected', IntentFailed: 'failed' };

/** The recent workflows and their steps, for the dashboard's timeline; bounded to the last 200. */
export class WorkflowBoard {
  private readonly workflows = new Map<string, BoardWorkflow>();

  /** Returns the workflow the message changed, if it is one the board shows. */
  apply(message: AnyMessage): BoardWorkflow | undefined {
    const intentId = (message.payload as { intentId?: string }).intentId;
    if (!intentId || !STEPS.has(message.type)) return undefined;
    let workflow = this.workflows.get(intentId);
    if (!workflow) {
      if (message.type !== 'IntentSubmitted') return undefined;
      const { goal, capability } = message.payload as { goal: string; capability: string };
      workflow = { id: intentId, tenant: message.tenant, goal, capability, status: 'running', startedAt: message.occurredAt, steps: [] };
      this.workflows.set(intentId, workflow);
      if (this.workflows.size > KEPT) this.workflows.delete(this.workflows.keys().next().value as string);
    }
    if (!workflow.steps.some((s) => s.type === message.type && s.at === message.occurredAt)) {
      workflow.steps.push({ type: message.type, at: message.occurredAt, by: message.actor.id });
      workflow.steps.sort((a, b) => a.at.localeCompare(b.at));
    }
    workflow.status = STATUS[message.type] ?? workflow.status;
    return workflow;
  }

  recent(): BoardWorkflow[] {
    return [...this.workflows.values()].reverse();
  }
}
