import { causedBy, createMessage, deriveId, newId, type AgentDescriptor, type Envelope, type MessageOf } from '@agentos/contracts';
import { fold } from '@agentos/decider';
import { intentDecider, type IntentInput } from './intent.decider';

const user = { kind: 'user' as const, id: 'alice' };
const service = { kind: 'service' as const, id: 'orchestrator' };
const intentId = newId();
const submit = createMessage('SubmitIntent', { intentId, goal: 'summarise Q3', capability: 'summarise', input: { doc: 'q3.txt' } }, { tenant: 'acme', actor: user });
const agent = (name: string, version: string, capabilities = ['summarise']): AgentDescriptor => ({ name, version, owner: 'team-a', capabilities, concurrency: 1, instanceId: `${name}-1` });

/** given: a history built by feeding inputs through decide and evolve, as the runner does. */
function given(...inputs: IntentInput[]): Envelope[] {
  const history: Envelope[] = [];
  for (const input of inputs) {
    for (const [i, d] of intentDecider.decide(input, fold(intentDecider, history)).entries()) {
      history.push(causedBy(input.message, d.type, d.payload, service, String(i)));
    }
  }
  return history;
}
const when = (history: Envelope[], input: IntentInput) => intentDecider.decide(input, fold(intentDecider, history));

const policyDecided = (effect: 'allow' | 'deny' | 'require_approval', requestId = deriveId(intentId, 'policy', 'intent.submit')) =>
  createMessage('PolicyDecided', { requestId, intentId, action: 'intent.submit', resource: { kind: 'capability', name: 'summarise' }, effect, rule: effect === 'allow' ? 'allow-demo' : 'no-llm-after-hours', reason: `because ${effect}`, bundleVersion: 'v1' }, { tenant: 'acme', actor: { kind: 'service', id: 'policy' } });

describe('intent decider', () => {
  it('given nothing, when an intent is submitted, then it is recorded and a policy check is requested', () => {
    const decisions = when([], { kind: 'submit', message: submit });
    expect(decisions.map((d) => d.type)).toEqual(['IntentSubmitted', 'PolicyCheckRequested']);
    expect(decisions[1].payload).toMatchObject({ action: 'intent.submit', intentId, subject: { owner: 'alice' }, resource: { kind: 'capability', name: 'summarise' } });
  });

  it('given a submitted intent, when it is submitted again, then nothing new is decided', () => {
    expect(when(given({ kind: 'submit', message: submit }), { kind: 'submit', message: submit })).toEqual([]);
  });

  it('given a pending policy check, when policy allows, then the task goes to the newest version of a capable agent', () => {
    const history = given({ kind: 'submit', message: submit });
    const candidates = [agent('writer', '1.0.0', ['write']), agent('summariser', '1.2.0'), agent('summariser', '1.10.0')];
    const [assigned] = when(history, { kind: 'policy-decided', message: policyDecided('allow'), candidates, killSwitches: [] });
    expect(assigned).toMatchObject({ type: 'TaskAssigned', payload: { agent: 'summariser', agentVersion: '1.10.0', input: { goal: 'summarise Q3', doc: 'q3.txt' } } });
  });

  it('given a pending policy check, when policy requires approval, then the intent waits; approval assigns it, rejection ends it', () => {
    const history = given({ kind: 'submit', message: submit }, { kind: 'policy-decided', message: policyDecided('require_approval'), candidates: [], killSwitches: [] });
    expect(history.at(-1)).toMatchObject({ type: 'ApprovalRequested', payload: { intentId, rule: 'no-llm-after-hours', reason: 'because require_approval' } });
    const requestedAt = Date.parse(history.at(-1)!.occurredAt);
    const approval = { ...createMessage('ApproveIntent', { intentId, comment: 'ok for Q3' }, { tenant: 'acme', actor: { kind: 'user', id: 'manager' } }), occurredAt: new Date(requestedAt + 90_000).toISOString() };
    const approved = when(history, { kind: 'approve', message: approval, candidates: [agent('summariser', '1.0.0')], killSwitches: [] });
    expect(approved.map((d) => d.type)).toEqual(['IntentApproved', 'TaskAssigned']);
    expect(approved[0].payload).toEqual({ intentId, approver: 'user:manager', comment: 'ok for Q3', waitedMs: 90_000 });
    const rejection = createMessage('RejectIntent', { intentId, comment: 'not now' }, { tenant: 'acme', actor: { kind: 'user', id: 'manager' } });
    expect(when(history, { kind: 'reject', message: rejection })).toEqual([{ type: 'IntentRejected', payload: { intentId, reason: 'rejected by user:manager: not now', rule: 'no-llm-after-hours' } }]);
    // Once decided, a second approval or rejection changes nothing.
    const afterApproval = given({ kind: 'submit', message: submit }, { kind: 'policy-decided', message: policyDecided('require_approval'), candidates: [], killSwitches: [] }, { kind: 'approve', message: approval, candidates: [agent('summariser', '1.0.0')], killSwitches: [] });
    expect(when(afterApproval, { kind: 'reject', message: rejection })).toEqual([]);
  });

  it('given a pending policy check, when policy denies, then the intent is rejected with the rule', () => {
    const decisions = when(given({ kind: 'submit', message: submit }), { kind: 'policy-decided', message: policyDecided('deny'), candidates: [], killSwitches: [] });
    expect(decisions).toEqual([{ type: 'IntentRejected', payload: { intentId, reason: 'because deny', rule: 'no-llm-after-hours' } }]);
  });

  it('given a pending policy check, when policy allows but no agent offers the capability, then the intent fails saying so', () => {
    const decisions = when(given({ kind: 'submit', message: submit }), { kind: 'policy-decided', message: policyDecided('allow'), candidates: [agent('writer', '1.0.0', ['write'])], killSwitches: [] });
    expect(decisions).toEqual([{ type: 'IntentFailed', payload: { intentId, reason: 'no registered agent offers capability summarise' } }]);
  });

  it('given a pending policy check, when a decision for another request arrives, then it is ignored', () => {
    expect(when(given({ kind: 'submit', message: submit }), { kind: 'policy-decided', message: policyDecided('allow', newId()), candidates: [agent('s', '1.0.0')], killSwitches: [] })).toEqual([]);
  });

  it('given an assigned task, when the agent completes it, then the intent completes with its output', () => {
    const history = given({ kind: 'submit', message: submit }, { kind: 'policy-decided', message: policyDecided('allow'), candidates: [agent('summariser', '1.0.0')], killSwitches: [] });
    const task = history.find((e) => e.type === 'TaskAssigned') as MessageOf<'TaskAssigned'>;
    const completed = createMessage('TaskCompleted', { taskId: task.payload.taskId, intentId, agent: 'summariser', agentVersion: '1.0.0', instanceId: 'i1', output: { summary: 'ok' } }, { tenant: 'acme', actor: { kind: 'agent', id: 'summariser' } });
    expect(when(history, { kind: 'task-completed', message: completed })).toEqual([{ type: 'IntentCompleted', payload: { intentId, taskId: task.payload.taskId, output: { summary: 'ok' } } }]);
    const failed = createMessage('TaskFailed', { taskId: task.payload.taskId, intentId, agent: 'summariser', agentVersion: '1.0.0', instanceId: 'i1', error: 'boom' }, { tenant: 'acme', actor: { kind: 'agent', id: 'summariser' } });
    expect(when(history, { kind: 'task-failed', message: failed })).toEqual([{ type: 'IntentFailed', payload: { intentId, reason: 'task failed: boom' } }]);
  });

  it('given an allowed intent, when a kill switch covers its workflow or every capable agent, then it is rejected naming the switch', () => {
    const history = given({ kind: 'submit', message: submit });
    const kill = (scope: 'workflow' | 'agent' | 'tenant', target: string) => [{ scope, target, reason: 'incident', activatedAt: '', activatedBy: 'user:oncall' }];
    expect(when(history, { kind: 'policy-decided', message: policyDecided('allow'), candidates: [agent('summariser', '1.0.0')], killSwitches: kill('workflow', intentId) })).toEqual([
      { type: 'IntentRejected', payload: { intentId, reason: 'kill switch (workflow ' + intentId + '): incident', rule: 'kill-switch:workflow:' + intentId } },
    ]);
    expect(when(history, { kind: 'policy-decided', message: policyDecided('allow'), candidates: [agent('summariser', '1.0.0')], killSwitches: kill('agent', 'summariser') })[0]).toMatchObject({ type: 'IntentRejected', payload: { rule: 'kill-switch:agent' } });
    const [assigned] = when(history, { kind: 'policy-decided', message: policyDecided('allow'), candidates: [agent('summariser', '1.0.0'), agent('abstracter', '1.0.0')], killSwitches: kill('agent', 'abstracter') });
    expect(assigned).toMatchObject({ type: 'TaskAssigned', payload: { agent: 'summariser' } });
    expect(when(history, { kind: 'policy-decided', message: policyDecided('allow'), candidates: [agent('summariser', '1.0.0')], killSwitches: kill('tenant', 'globex') })[0].type).toBe('TaskAssigned');
  });

  it('given an assigned task, when the workflow budget is spent, then the intent fails saying which limit; once finished, nothing', () => {
    const history = given({ kind: 'submit', message: submit }, { kind: 'policy-decided', message: policyDecided('allow'), candidates: [agent('summariser', '1.0.0')], killSwitches: [] });
    const spent = createMessage('BudgetExhausted', { scope: 'workflow', id: intentId, metric: 'tokens', used: 150, limit: 100 }, { tenant: 'acme', actor: { kind: 'service', id: 'policy' } });
    expect(when(history, { kind: 'budget-exhausted', message: spent })).toEqual([{ type: 'IntentFailed', payload: { intentId, reason: 'budget spent: tokens 150 of 100 for this workflow' } }]);
    const finished = given({ kind: 'submit', message: submit }, { kind: 'policy-decided', message: policyDecided('deny'), candidates: [], killSwitches: [] });
    expect(when(finished, { kind: 'budget-exhausted', message: spent })).toEqual([]);
  });

  it('a pinned agent version is honoured', () => {
    const pinned = createMessage('SubmitIntent', { intentId, goal: 'g', capability: 'summarise', agent: { name: 'summariser', version: '1.2.0' } }, { tenant: 'acme', actor: user });
    const history = given({ kind: 'submit', message: pinned });
    const [assigned] = when(history, { kind: 'policy-decided', message: policyDecided('allow'), candidates: [agent('summariser', '1.2.0'), agent('summariser', '1.10.0')], killSwitches: [] });
    expect(assigned.payload).toMatchObject({ agentVersion: '1.2.0' });
  });
});
