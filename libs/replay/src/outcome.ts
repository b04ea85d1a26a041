import type { Envelope, MessageOf } from '@agentos/contracts';

/** How a run (an intent or a workflow) ended, or that it has not. */
export interface RunOutcome {
  status: 'completed' | 'failed' | 'rejected' | 'running';
  /** The event that settled the run. */
  event?: Envelope;
  reason?: string;
  /** For a failed workflow: the step whose failure ended it, and the compensation that ran. */
  failedStep?: string;
  compensatedBy?: string;
}

/** Both kinds of run settle with one of these; the status is the type's last word. */
const SETTLING: Record<string, RunOutcome['status']> = {
  IntentCompleted: 'completed',
  WorkflowCompleted: 'completed',
  IntentFailed: 'failed',
  WorkflowFailed: 'failed',
  IntentRejected: 'rejected',
  WorkflowRejected: 'rejected',
};

export function runOutcome(events: readonly Envelope[]): RunOutcome {
  const settled = [...events].reverse().find((e) => e.type in SETTLING);
  if (!settled) return { status: 'running' };
  const { reason, failedStep, compensatedBy } = settled.payload as Partial<MessageOf<'WorkflowFailed'>['payload']>;
  return { status: SETTLING[settled.type], event: settled, reason, failedStep, compensatedBy };
}
