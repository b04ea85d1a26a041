import { newId } from './ids';
import { rejectionOfInvalid } from './rejection';

const orchestrator = { kind: 'service', id: 'orchestrator' } as const;
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const issues = [
  { path: 'payload.goal', message: 'Invalid input: expected string' },
  { path: 'tenant', message: 'tenant must be a lower-case slug' },
];

describe('feedback for a run-starting command that fails its schema', () => {
  const correlationId = newId();
  const intentId = newId();

  it('answers the sender’s tenant (the subject’s, not the envelope’s) with every problem, in the conversation', () => {
    const raw = { id: newId(), type: 'SubmitIntent', correlationId, tenant: 'Not A Tenant', payload: { intentId, goal: 7 } };
    const fact = rejectionOfInvalid('SubmitIntent', bytes(raw), 'agentos.cmd.intent.submit.acme.user-alice', issues, orchestrator);
    expect(fact).toMatchObject({
      type: 'IntentRejected',
      tenant: 'acme',
      correlationId,
      causationId: raw.id,
      actor: orchestrator,
      payload: { intentId, rule: null, problems: ['payload.goal: Invalid input: expected string', 'tenant: tenant must be a lower-case slug'] },
    });
    expect(fact?.payload.reason).toMatch(/^invalid SubmitIntent: payload\.goal: .*; tenant: /);
    // Redelivered, it is the same fact (JetStream de-duplicates it).
    expect(rejectionOfInvalid('SubmitIntent', bytes(raw), 'agentos.cmd.intent.submit.acme.user-alice', issues, orchestrator)?.id).toBe(fact?.id);
  });

  it('names the workflow by its id, or by the conversation when the id is unreadable', () => {
    const fact = rejectionOfInvalid('RunWorkflow', bytes({ correlationId, payload: { workflowId: 'nope' } }), 'agentos.cmd.workflow.run.globex.user-bob', issues, orchestrator);
    expect(fact).toMatchObject({ type: 'WorkflowRejected', tenant: 'globex', payload: { workflowId: correlationId, problems: expect.any(Array) } });
  });

  it('says nothing without a correlation id, for what is not JSON, or for other types', () => {
    const subject = 'agentos.cmd.intent.submit.acme.user-alice';
    expect(rejectionOfInvalid('SubmitIntent', bytes({ payload: { intentId } }), subject, issues, orchestrator)).toBeUndefined();
    expect(rejectionOfInvalid('SubmitIntent', bytes({ correlationId: 'x' }), subject, issues, orchestrator)).toBeUndefined();
    expect(rejectionOfInvalid('SubmitIntent', bytes('{"correlationId":'), subject, issues, orchestrator)).toBeUndefined();
    expect(rejectionOfInvalid('ApproveIntent', bytes({ correlationId }), 'agentos.cmd.intent.approve.acme.user-alice', issues, orchestrator)).toBeUndefined();
  });
});
