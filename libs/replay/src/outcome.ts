import type { Envelope, MessageOf } from '@agentos/contracts';

/** How a run (an intent or a workflow) ended, or that it has not. */
export interface RunOutcome {
  status: 'completed' | 'failed' | 'rejected' | 'cancelled' | 'running';
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
  RunCancelled: 'cancelled',
};

/** A failed run retried (RetryRun) runs again: its failure is no longer how it ended. */
const REOPENING = 'RunRetried';

export function runOutcome(events: readonly Envelope[]): RunOutcome {
  const settled = [...events].reverse().find((e) => e.type in SETTLING || e.type === REOPENING);
  if (!settled || settled.type === REOPENING) return { status: 'running' };
  if (settled.type === 'RunCancelled') {
    const { cancelledBy, reason, compensatedBy } = (settled as MessageOf<'RunCancelled'>).payload;
    return { status: 'cancelled', event: settled, reason: `by ${cancelledBy}: ${reason}`, ...(compensatedBy.length > 0 ? { compensatedBy: compensatedBy.join(', ') } : {}) };
  }
  const { reason, failedStep, compensatedBy } = settled.payload as Partial<MessageOf<'WorkflowFailed'>['payload']>;
  return { status: SETTLING[settled.type], event: settled, reason, failedStep, compensatedBy };
}
