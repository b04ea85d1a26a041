import { defineAgent, type AgentDefinition } from '@agentos/agent-sdk';
import { EVENT_STREAMS, createMessage, newId, type Envelope, type MessageOf } from '@agentos/contracts';
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

/** Records a customer's credit limit in the tenant's memory; the bundle below says such a write needs a second person. */
const clerk = defineAgent({
  name: 'ca-clerk',
  version: '1.0.0',
  owner: 'test-team',
  capabilities: ['ca-record'],
  concurrency: 4,
  input: z.object({ order: z.string(), amount: z.number() }),
  async handle({ order, amount }, ctx) {
    const revision = await ctx.memory.put(`limit-${order}`, { amount }, { scope: 'tenant' });
    appendFileSync(EFFECTS, `recorded ${order} ${amount}\n`);
    return { revision };
  },
});

const BUNDLE = [
  'version: approvals-1',
  'rules:',
  '  - { id: allow-intents, effect: allow, actions: [intent.submit], reason: tests }',
  '  - { id: payments-need-approval, effect: require_approval, actions: [tool.call], resources: [pay], reason: payments need a second person }',
  '  - { id: memory, effect: allow, actions: [memory.read, memory.write], reason: tests }',
  '  - { id: limits-need-approval, effect: require_approval, actions: [memory.write], resources: [tenant], reason: credit limits need a second person }',
  '',
].join('\n');

const oneStep = (id: string, capability: string) => (timeout: string) =>
  parseWorkflowDocument([`name: ${id}`, 'steps:', `  - { id: ${id}, capability: ${capability}, timeout: ${timeout}, input: { order: "\${input.order}", amount: "\${input.amount}" } }`, ''].join('\n'), `${id}.yaml`);
const pay = oneStep('pay', 'ca-pay');
const record = oneStep('record', 'ca-record');
const limitsStream = EVENT_STREAMS.memory({ tenant: 'acme', scope: 'tenant', scopeId: 'default' });

describe('approvals inside a run, end to end against a real nats-server', () => {
  let system: RunningSystem;
  const agentos = cliRunner(() => ({ NATS_URL: system.nats.url, AGENTOS_TENANT: 'acme', AGENTOS_USER: 'approver', AGENTOS_CONFIG: join(work, 'none.json') }));
  const start = async (order: string, timeout = '60s', workflow = pay) => {
    const runId = newId();
    await system.client.publishMessage(createMessage('RunWorkflow', { workflowId: runId, definition: workflow(timeout), input: { order, amount: 42 } }, system.origin));
    return runId;
  };
  const parked = async (runId: string) => (await system.recorded(runId, (e) => e.type === 'CallApprovalRequested', 'the call parked')).find((e) => e.type === 'CallApprovalRequested') as MessageOf<'CallApprovalRequested'>;
  const outcome = (runId: string) => system.recorded(runId, (e) => ['WorkflowCompleted', 'WorkflowFailed'].includes(e.type), `run ${runId} to end`);
  const last = (events: Envelope[]) => events.filter((e) => ['WorkflowCompleted', 'WorkflowFailed'].includes(e.type)).at(-1);

  beforeAll(async () => {
    system = await startSystem([payer, clerk] as AgentDefinition<never, unknown>[]);
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

  describe('a memory write a rule says needs approval', () => {
    const written = async (key: string) => (await system.store.readStream(limitsStream)).map((r) => r.event as MessageOf<'MemoryWritten'>).filter((e) => e.type === 'MemoryWritten' && e.payload.key === key);

    it('is parked, naming the agent, the action, the resource and the write; approved, the write happens once, and that approval lets no other write through', async () => {
      const runId = await start('m-1', '60s', record);
      const request = await parked(runId);
      expect(request.payload).toMatchObject({
        stepId: 'record',
        agent: 'ca-clerk',
        action: 'memory.write',
        resource: { kind: 'memory', name: 'tenant' },
        args: { scopeId: 'default', key: 'limit-m-1', value: { amount: 42 } },
        rule: 'limits-need-approval',
        reason: 'credit limits need a second person',
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await written('limit-m-1')).toEqual([]);
      expect(await agentos('approve', runId, '--call', request.payload.approvalId)).toMatchObject({ code: 0 });
      expect(last(await outcome(runId))).toMatchObject({ type: 'WorkflowCompleted', payload: { output: { record: { revision: expect.any(Number) } } } });
      expect((await written('limit-m-1')).map((e) => e.payload.value)).toEqual([{ amount: 42 }]);
      expect(effects()).toContain('recorded m-1 42');
      // The approval was for that write: naming it for another one is refused by memory.
      const forged = createMessage('WriteMemory', { scope: 'tenant', scopeId: 'default', key: 'limit-m-1', value: { amount: 1_000_000 }, intentId: runId, approvalId: request.payload.approvalId }, system.origin);
      expect(await system.client.query(forged)).toMatchObject({ status: 'denied', reason: `approval ${request.payload.approvalId} was given for another call than this write of tenant/default limit-m-1` });
      expect(reExecute(await system.store.readStream(workflowStream(runId)), orchestrationDecider).divergence).toBeUndefined();
    }, 60_000);

    it('fails with the reason when rejected, and is rejected by the deadline when no one decides: nothing is written', async () => {
      const rejectedRun = await start('m-2', '60s', record);
      const request = await parked(rejectedRun);
      expect(await agentos('reject', rejectedRun, '--call', request.payload.approvalId, '--comment', 'limit too high')).toMatchObject({ code: 0 });
      expect(last(await outcome(rejectedRun))).toMatchObject({ type: 'WorkflowFailed', payload: { reason: 'step record failed: memory.write tenant not approved: rejected by user:approver: limit too high' } });

      const expiredRun = await start('m-3', '2s', record);
      const expiring = await parked(expiredRun);
      const events = await outcome(expiredRun);
      expect(last(events)?.type).toBe('WorkflowFailed');
      expect(events.find((e) => e.type === 'CallRejected')?.payload).toMatchObject({ approvalId: expiring.payload.approvalId, rejectedBy: 'deadline' });
      expect(await written('limit-m-2')).toEqual([]);
      expect(await written('limit-m-3')).toEqual([]);
      expect(effects().filter((l) => l.startsWith('recorded m-2') || l.startsWith('recorded m-3'))).toEqual([]);
    }, 60_000);
  });
});
