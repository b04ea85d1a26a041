import { defineAgent, type AgentDefinition } from '@agentos/agent-sdk';
import { createMessage, newId, type Envelope, type MessageOf } from '@agentos/contracts';
import { orchestrationDecider, workflowStream } from '@agentos/orchestration';
import { reExecute } from '@agentos/replay';
import { waitFor } from '@agentos/testing';
import { parseWorkflowDocument } from '@agentos/workflow';
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { cliRunner } from './cli-runner';
import { startSystem, type RunningSystem } from './system';

const work = mkdtempSync(join(tmpdir(), 'agentos-call-approvals-'));
const EFFECTS = join(work, 'effects.log');
const effects = () => (existsSync(EFFECTS) ? readFileSync(EFFECTS, 'utf8').trim().split('\n') : []);

/** Pays through a tool; the bundle below says paying needs a second person. */
const payer = defineAgent({
  name: 'ca-payer',
  version: '1.0.0',
  owner: 'test-team',
  capabilities: ['ca-pay'],
  concurrency: 4,
  input: z.object({ order: z.string(), amount: z.number() }),
  tools: {
    pay: {
      description: 'charges a card',
      input: z.object({ order: z.string(), amount: z.number() }),
      run: async ({ order, amount }: { order: string; amount: number }) => (appendFileSync(EFFECTS, `paid ${order} ${amount}\n`), { paid: amount }),
    },
  },
  async handle({ order, amount }, ctx) {
    return ctx.tools.call<{ paid: number }>('pay', { order, amount });
  },
});

const BUNDLE = [
  'version: approvals-1',
  'rules:',
  '  - { id: allow-intents, effect: allow, actions: [intent.submit], reason: tests }',
  '  - { id: payments-need-approval, effect: require_approval, actions: [tool.call], resources: [pay], reason: payments need a second person }',
  '',
].join('\n');

const pay = (timeout: string) => parseWorkflowDocument(['name: pay', 'steps:', `  - { id: pay, capability: ca-pay, timeout: ${timeout}, input: { order: "\${input.order}", amount: "\${input.amount}" } }`, ''].join('\n'), 'pay.yaml');

describe('approvals inside a run, end to end against a real nats-server', () => {
  let system: RunningSystem;
  const agentos = cliRunner(() => ({ NATS_URL: system.nats.url, AGENTOS_TENANT: 'acme', AGENTOS_USER: 'approver', AGENTOS_CONFIG: join(work, 'none.json') }));
  const start = async (order: string, timeout = '60s') => {
    const runId = newId();
    await system.client.publishMessage(createMessage('RunWorkflow', { workflowId: runId, definition: pay(timeout), input: { order, amount: 42 } }, system.origin));
    return runId;
  };
  const parked = async (runId: string) => (await system.recorded(runId, (e) => e.type === 'CallApprovalRequested', 'the call parked')).find((e) => e.type === 'CallApprovalRequested') as MessageOf<'CallApprovalRequested'>;
  const outcome = (runId: string) => system.recorded(runId, (e) => ['WorkflowCompleted', 'WorkflowFailed'].includes(e.type), `run ${runId} to end`);
  const last = (events: Envelope[]) => events.filter((e) => ['WorkflowCompleted', 'WorkflowFailed'].includes(e.type)).at(-1);

  beforeAll(async () => {
    system = await startSystem([payer] as AgentDefinition<never, unknown>[]);
    await system.client.publishMessage(createMessage('PublishPolicyBundle', { yaml: BUNDLE, source: 'approvals.yaml' }, { tenant: 'system', actor: { kind: 'user', id: 'oncall' } }));
    await waitFor(() => system.client.query(createMessage('GetPolicyBundle', {}, system.origin)), (b) => b.version === 'approvals-1', { what: 'the bundle in force' });
  }, 60_000);

  afterAll(() => system.stop());

  it('parks a payment the policy says needs approval, across an orchestrator restart, until an approver lets it go on', async () => {
    const runId = await start('o-1');
    const request = await parked(runId);
    expect(request.payload).toMatchObject({ stepId: 'pay', agent: 'ca-payer', action: 'tool.call', resource: { kind: 'tool', name: 'pay' }, args: { order: 'o-1', amount: 42 }, rule: 'payments-need-approval', reason: 'payments need a second person' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(effects()).not.toContain('paid o-1 42');
    // The step waits (its task kept) while the orchestrator restarts; the parked call is in the run's history.
    await system.restart('orchestrator');
    const approved = await agentos('approve', runId, '--call', request.payload.approvalId, '--comment', 'checked the invoice');
    expect(approved).toMatchObject({ code: 0, stdout: expect.stringMatching(/CallApproved\s+.* by user:approver/) });
    const events = await outcome(runId);
    expect(last(events)).toMatchObject({ type: 'WorkflowCompleted', payload: { output: { pay: { paid: 42 } } } });
    expect(events.find((e) => e.type === 'CallApproved')?.payload).toMatchObject({ approvalId: request.payload.approvalId, approver: 'user:approver', comment: 'checked the invoice' });
    expect(effects().filter((l) => l === 'paid o-1 42')).toHaveLength(1);
    expect(reExecute(await system.store.readStream(workflowStream(runId)), orchestrationDecider).divergence).toBeUndefined();
    // Decided already: deciding it again is refused, saying why.
    expect(await agentos('reject', runId, '--call', request.payload.approvalId)).toMatchObject({ code: 1, stdout: expect.stringContaining(`refused: approval ${request.payload.approvalId} was already approved`) });
  }, 90_000);

  it('fails the step with the reason when the approver rejects the call', async () => {
    const runId = await start('o-2');
    const request = await parked(runId);
    expect(await agentos('reject', runId, '--call', request.payload.approvalId, '--comment', 'not this card')).toMatchObject({ code: 0, stdout: expect.stringContaining('rejected by user:approver: not this card') });
    expect(last(await outcome(runId))).toMatchObject({ type: 'WorkflowFailed', payload: { reason: 'step pay failed: tool.call pay not approved: rejected by user:approver: not this card' } });
    expect(effects()).not.toContain('paid o-2 42');
  }, 60_000);

  it("rejects a call no one decided by the step's deadline; approving it afterwards is refused", async () => {
    const runId = await start('o-3', '2s');
    const request = await parked(runId);
    const events = await outcome(runId);
    expect(last(events)?.type).toBe('WorkflowFailed');
    expect(events.find((e) => e.type === 'CallRejected')?.payload).toMatchObject({ approvalId: request.payload.approvalId, rejectedBy: 'deadline' });
    expect(await agentos('approve', runId, '--call', request.payload.approvalId)).toMatchObject({ code: 1, stdout: expect.stringContaining(`refused: approval ${request.payload.approvalId} was already rejected`) });
    expect(effects()).not.toContain('paid o-3 42');
  }, 60_000);
});
