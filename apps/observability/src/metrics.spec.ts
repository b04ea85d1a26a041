import { createMessage, newId, type AnyMessage } from '@agentos/contracts';
import { Metrics } from './metrics';

const origin = { tenant: 'acme', actor: { kind: 'service' as const, id: 'orchestrator' } };
const workflowId = newId();

describe('Metrics: failed runs', () => {
  it('counts failed workflows with intents, by a bounded kind of reason, and a failed step is no dead letter', async () => {
    const metrics = new Metrics();
    const messages = [
      createMessage('StepFailed', { workflowId, stepId: 'charge', attempt: 2, error: 'card declined for 5000' }, origin),
      createMessage('WorkflowFailed', { workflowId, reason: 'step charge failed: card declined for 5000', failedStep: 'charge', compensatedBy: 'refund' }, origin),
      createMessage('WorkflowFailed', { workflowId: newId(), reason: 'step send failed: policy denied tool mail: no mail (rule no-mail)', failedStep: 'send' }, origin),
      createMessage('IntentFailed', { intentId: newId(), reason: 'task failed: timed out after 500 ms: no agent instance took it in time' }, origin),
      createMessage('WorkflowFailed', { workflowId: newId(), reason: 'something new' }, origin),
    ] as AnyMessage[];
    for (const message of messages) metrics.record(message);
    const snapshot = await metrics.snapshot();
    expect(snapshot.workflows.failed).toBe(3);
    expect(snapshot.intents.failed).toBe(1);
    expect(snapshot.failures).toEqual({ 'step-failed': 1, 'policy-denied': 1, 'timed-out': 1, other: 1 });
    expect(snapshot.deadLetters).toEqual({});
  });
});
