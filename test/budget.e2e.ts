import { subjectFilter, createMessage, decodeMessage, type MessageOf } from '@agentos/contracts';
import type { NatsConnector } from '@agentos/messaging';
import { waitFor } from '@agentos/testing';
import { spender } from './spender.agent';
import { startSystem, type RunningSystem } from './system';

const BUDGETED = `version: budgets-1
budgets:
  workflow: { tokens: 100 }
  tenant: { steps: 2 }
rules:
  - id: allow-all
    effect: allow
    actions: [intent.submit]
    reason: test
`;

describe('budgets enforced across agents, against a real nats-server', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem([spender as never]);
    await system.client.publishMessage(createMessage('PublishPolicyBundle', { yaml: BUDGETED, source: 'budgets.yaml' }, { tenant: 'system', actor: { kind: 'user', id: 'admin' } }));
    await waitFor(() => system.client.query(createMessage('GetPolicyBundle', {}, system.origin)), (b) => b.version === 'budgets-1', { what: 'the budgeted bundle in force' });
  });

  afterAll(async () => {
    await system.stop();
  });

  it('stops a workflow whose agents spent its token budget, cancelling the running task, with a clear reason', async () => {
    const nc = await system.client.unwrap<NatsConnector>().connection$();
    const cancellations: MessageOf<'TaskFailed'>[] = [];
    const watch = nc.subscribe(subjectFilter('TaskFailed'), {
      callback: (_, msg) => {
        const parsed = decodeMessage(msg.data);
        if (parsed.ok && parsed.message.type === 'TaskFailed') cancellations.push(parsed.message);
      },
    });
    const { intentId, events } = await system.submit('spend', { tokens: 150, ms: 30_000 }, { tenant: 'wayne' });
    // Whichever lands first, the policy's BudgetExhausted or the agent's cancelled task, the reason is the budget.
    expect(events.at(-1)).toMatchObject({ type: 'IntentFailed', payload: { reason: expect.stringMatching(/budget spent: tokens 150 of 100 for this workflow$/) } });
    const history = await waitFor(() => system.history(intentId), (h) => h.some((e) => e.type === 'BudgetExhausted'), { what: 'the BudgetExhausted record' });
    expect(history.find((e) => e.type === 'BudgetExhausted')?.payload).toEqual({ scope: 'workflow', id: intentId, metric: 'tokens', used: 150, limit: 100 });
    // The agent's task, which would have run for 30 s, is cancelled through the SDK.
    const [cancelled] = await waitFor(() => cancellations.filter((c) => c.payload.intentId === intentId), (found) => found.length === 1, { what: 'the task cancellation' });
    expect(cancelled.payload.error).toBe('cancelled: budget spent: tokens 150 of 100 for this workflow');
    watch.unsubscribe();
  });

  it('denies new work for a tenant whose step budget is spent, across all its workflows', async () => {
    const umbrella = { tenant: 'umbrella' };
    const first = await system.submit('spend', { tokens: 0, ms: 0 }, umbrella);
    const second = await system.submit('spend', { tokens: 0, ms: 0 }, umbrella);
    expect([first, second].map((r) => r.events.at(-1)?.type)).toEqual(['IntentCompleted', 'IntentCompleted']);
    const third = await waitFor(
      () => system.submit('spend', { tokens: 0, ms: 0 }, umbrella),
      (r) => r.events.at(-1)?.type === 'IntentRejected',
      { what: 'the tenant budget to be counted' },
    );
    expect(third.events.at(-1)?.payload).toMatchObject({ rule: 'budget:tenant:steps', reason: 'budget spent: steps 2 of 2 for this tenant' });
    await system.restart('policy'); // spending is kept in JetStream KV, not in the process
    expect((await system.submit('spend', { tokens: 0, ms: 0 }, umbrella)).events.at(-1)?.payload).toMatchObject({ rule: 'budget:tenant:steps' });
    expect((await system.submit('spend', { tokens: 0, ms: 0 }, { tenant: 'other' })).events.at(-1)?.type).toBe('IntentCompleted');
  });
});
