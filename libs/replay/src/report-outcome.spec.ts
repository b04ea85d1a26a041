import type { Envelope } from '@agentos/contracts';
import type { RecordedEvent } from '@agentos/event-store';
import { incidentReport } from './report';

const workflowId = '00000000-0000-4000-8000-0000000000aa';
const historyOf = (...events: [type: string, payload: unknown][]): RecordedEvent[] =>
  events.map(([type, payload], revision) => {
    const event = { id: `00000000-0000-4000-8000-00000000000${revision}`, type, version: 1, occurredAt: `2026-01-01T00:00:0${revision}.000Z`, correlationId: workflowId, causationId: null, tenant: 'acme', actor: { kind: 'service', id: 'orchestrator' }, payload } as Envelope;
    return { stream: `workflow-${workflowId}`, revision, position: { commit: revision + 1, prepare: 0 }, event, prevHash: '', hash: '' };
  });
const outcomeLine = (records: RecordedEvent[]) => incidentReport(records, { workflowId, chain: { ok: true, events: records.length } }).split('\n').find((l) => l.startsWith('- Outcome:'));

const started: [string, unknown] = ['WorkflowStarted', { workflowId, definition: {}, input: {} }];

describe('the outcome of a workflow in its incident report', () => {
  it('says completed, failed with the failing step and reason, rejected, or still running', () => {
    expect(outcomeLine(historyOf(started, ['WorkflowCompleted', { workflowId, output: {} }]))).toBe('- Outcome: **completed** (WorkflowCompleted)');
    expect(outcomeLine(historyOf(started, ['WorkflowRejected', { workflowId, reason: 'invalid workflow "x"', problems: [], rule: null }]))).toBe('- Outcome: **rejected** (WorkflowRejected) — invalid workflow "x"');
    expect(outcomeLine(historyOf(started, ['TaskQueued', { workflowId }]))).toBe('- Outcome: **still running**');
  });

  it('says cancelled (with who and why) for a cancelled run, and running again for a failed run that was retried', () => {
    expect(outcomeLine(historyOf(started, ['RunCancelled', { runId: workflowId, cancelledBy: 'user:oncall', reason: 'wrong customer', compensatedBy: ['refund'] }]))).toBe(
      '- Outcome: **cancelled** (RunCancelled), compensated by refund — by user:oncall: wrong customer',
    );
    const failed: [string, unknown] = ['WorkflowFailed', { workflowId, reason: 'step ship failed: no address', failedStep: 'ship' }];
    expect(outcomeLine(historyOf(started, failed, ['RunRetried', { runId: workflowId, retriedBy: 'user:oncall', steps: ['ship'] }]))).toBe('- Outcome: **still running**');
    expect(outcomeLine(historyOf(started, failed, ['RunRetried', { runId: workflowId, retriedBy: 'user:oncall', steps: ['ship'] }], ['WorkflowCompleted', { workflowId, output: {} }]))).toBe('- Outcome: **completed** (WorkflowCompleted)');
  });

  it('names the step whose failure ended the workflow and shows its StepFailed as the failing step', () => {
    const records = historyOf(
      started,
      ['TaskFailed', { intentId: workflowId, stepId: 'charge', attempt: 1, error: 'card declined for 5000' }],
      ['StepFailed', { workflowId, stepId: 'charge', attempt: 2, error: 'card declined for 5000' }],
      ['StepCompleted', { workflowId, stepId: 'refund', attempt: 1, output: {} }],
      ['WorkflowFailed', { workflowId, reason: 'step charge failed: card declined for 5000', failedStep: 'charge', compensatedBy: 'refund' }],
    );
    expect(outcomeLine(records)).toBe('- Outcome: **failed** (WorkflowFailed); failing step charge, compensated by refund — step charge failed: card declined for 5000');
    expect(incidentReport(records, { workflowId, chain: { ok: true, events: 5 } })).toContain('Event #2 ` StepFailed ` by service:orchestrator');
  });
});
