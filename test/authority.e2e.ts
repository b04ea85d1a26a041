import { defineAgent } from '@agentos/agent-sdk';
import { createMessage, newId, type Envelope, type MessageOf } from '@agentos/contracts';
import type { NatsConnector } from '@agentos/messaging';
import { readStoredMessages, waitFor } from '@agentos/testing';
import { parseWorkflowDocument } from '@agentos/workflow';
import { BudgetLedger } from '../apps/policy/src/budget-ledger';
import { startSystem, type RunningSystem } from './system';

/** Holds its task until released, so a test can speak about it while it is assigned. */
let release: () => void = () => undefined;
const holder = defineAgent({
  name: 'holder',
  version: '1.0.0',
  owner: 'test-team',
  capabilities: ['hold'],
  async handle() {
    await new Promise<void>((resolve) => (release = resolve));
    return { held: true };
  },
});

/** Offers a capability the default bundle refuses (wipe-*) and a harmless one. */
const wiped: string[] = [];
const janitor = defineAgent({
  name: 'janitor',
  version: '1.0.0',
  owner: 'test-team',
  capabilities: ['wipe-cache', 'tidy'],
  async handle(_, ctx) {
    wiped.push(ctx.task.capability ?? '');
    return { done: true };
  },
});

/**
 * Who may speak for a task and spend a run's budget, and what policy sees: the envelope's tenant and
 * actor are the broker's (here set by the test, as a forger with the right credentials could not).
 */
describe('authority over runs, against a real nats-server', () => {
  let system: RunningSystem;
  const agentActor = { kind: 'agent' as const, id: 'holder@1.0.0' };
  const refusedLetters = async (about: string) =>
    (await readStoredMessages<MessageOf<'MessageDeadLettered'>>(await system.client.unwrap<NatsConnector>().manager$(), 'AGENTOS_DEAD_LETTERS')).filter((l) => l.payload.reason === 'refused' && l.payload.error.includes(about));
  const recorded = async (runId: string) => (await system.store.readStream(`workflow-${runId}`)).map((r) => r.event);
  const settled = (events: Envelope[]) => events.some((e) => /^(Intent|Workflow)(Completed|Failed|Rejected)$/.test(e.type));

  beforeAll(async () => {
    system = await startSystem([holder as never, janitor as never]);
  });

  afterAll(async () => {
    release();
    await system.stop();
  });

  it('refuses task reports and usage from anyone but the assigned instance in the run tenant; the run completes from the real agent', async () => {
    const intentId = newId();
    await system.client.publishMessage(createMessage('SubmitIntent', { intentId, goal: 'hold', capability: 'hold', input: {} }, system.origin));
    const history = await waitFor(() => system.history(intentId), (h) => h.some((e) => e.type === 'TaskAssigned'), { what: 'the assignment' });
    const { taskId, instanceId } = (history.find((e) => e.type === 'TaskAssigned') as MessageOf<'TaskAssigned'>).payload;
    const report = { taskId, intentId, stepId: 'main', attempt: 1, agent: 'holder', agentVersion: '1.0.0', output: { forged: true } };
    // A completion charges its usage too (the step): a forged one must not.
    const completion = { ...report, usage: { tokens: 1_000, cost: 0, steps: 1 } };
    const forged = [
      createMessage('TaskCompleted', { ...completion, instanceId: 'e2e-impostor' }, { ...system.origin, actor: agentActor }),
      createMessage('TaskCompleted', { ...completion, instanceId }, { ...system.origin, actor: { kind: 'agent', id: 'janitor@1.0.0' } }),
      createMessage('TaskCompleted', { ...completion, instanceId }, { tenant: 'globex', actor: agentActor }),
      createMessage('TaskFailed', { ...report, instanceId: 'e2e-impostor', error: 'forged', retryable: false }, { ...system.origin, actor: agentActor }),
    ];
    const usage = createMessage('UsageRecorded', { intentId, taskId, agent: 'holder', tokens: 1_000 }, { tenant: 'globex', actor: agentActor });
    for (const message of [...forged, usage]) await system.client.publishMessage(message);

    // The usage record and the completions are refused by both their consumers: policy (no budget counted) and the
    // orchestrator (not recorded).
    const letters = await waitFor(() => refusedLetters(taskId), (l) => l.length === 9, { what: 'nine refusals' });
    const completions = [
      `TaskCompleted for task ${taskId} from agent:holder@1.0.0 instance e2e-impostor (payload agent holder), but the task is assigned to holder instance ${instanceId}`,
      `TaskCompleted for task ${taskId} from agent:janitor@1.0.0 instance ${instanceId} (payload agent holder), but the task is assigned to holder instance ${instanceId}`,
      `TaskCompleted for task ${taskId} from agent:holder@1.0.0 instance ${instanceId} in tenant globex, but run ${intentId} belongs to tenant acme`,
    ];
    expect(letters.map((l) => l.payload.error).sort()).toEqual(
      [
        ...completions,
        ...completions,
        `TaskFailed for task ${taskId} from agent:holder@1.0.0 instance e2e-impostor (payload agent holder), but the task is assigned to holder instance ${instanceId}`,
        `UsageRecorded for task ${taskId} from agent:holder@1.0.0 in tenant globex, but run ${intentId} belongs to tenant acme`,
        `UsageRecorded for task ${taskId} from agent:holder@1.0.0 in tenant globex, but run ${intentId} belongs to tenant acme`,
      ].sort(),
    );
    const refusedBy = (prefix: string) => letters.filter((l) => l.payload.error.startsWith(prefix)).map((l) => l.payload.service).sort();
    expect([refusedBy('TaskCompleted'), refusedBy('TaskFailed'), refusedBy('Usage')]).toEqual([
      ['orchestrator', 'orchestrator', 'orchestrator', 'policy', 'policy', 'policy'],
      ['orchestrator'],
      ['orchestrator', 'policy'],
    ]);
    // Nothing of them is in the run's history, and nothing was charged to either tenant or the run.
    const ids = new Set([...forged, usage].map((m) => m.id));
    expect((await recorded(intentId)).filter((e) => ids.has(e.id) || e.causationId !== null && ids.has(e.causationId))).toEqual([]);
    const ledger = system.service('policy').get(BudgetLedger);
    for (const [scope, id] of [['workflow', intentId], ['tenant', 'globex'], ['tenant', 'acme']] as const) expect(await ledger.spent(scope, id)).toMatchObject({ tokens: 0, steps: 0 });

    // The same usage from the agent in the run's tenant is counted and recorded.
    const honest = createMessage('UsageRecorded', { intentId, taskId, agent: 'holder', tokens: 7 }, { ...system.origin, actor: agentActor });
    await system.client.publishMessage(honest);
    await waitFor(() => ledger.spent('workflow', intentId), (spent) => spent.tokens === 7, { what: 'the honest usage counted' });
    expect((await recorded(intentId)).some((e) => e.id === honest.id)).toBe(true);

    release();
    const events = await waitFor(() => system.history(intentId), settled, { what: 'the run to complete' });
    expect(events.at(-1)).toMatchObject({ type: 'IntentCompleted', payload: { taskId, output: { held: true } } });
  }, 60_000);

  it('checks every workflow step with policy: a destructive capability does not run, a harmless one does', async () => {
    const run = async (yaml: string) => {
      const workflowId = newId();
      await system.client.publishMessage(createMessage('RunWorkflow', { workflowId, definition: parseWorkflowDocument(yaml, 'test.yaml') }, system.origin));
      return waitFor(() => system.history(workflowId), settled, { what: `workflow ${workflowId}` });
    };
    const wipe = await run('name: cleanup\nsteps:\n  - { id: wipe, capability: wipe-cache }\n');
    const reason = 'policy denied capability wipe-cache: destructive capabilities need a reviewed bundle (rule deny-destructive-capabilities)';
    expect(wipe.map((e) => e.type)).not.toContain('TaskQueued');
    expect(wipe.map((e) => e.type)).not.toContain('TaskAssigned');
    const decided = wipe.filter((e): e is MessageOf<'PolicyDecided'> => e.type === 'PolicyDecided').map((e) => `${e.payload.resource.kind} ${e.payload.resource.name}: ${e.payload.effect}`);
    expect(decided).toEqual(['workflow cleanup: allow', 'capability wipe-cache: deny']);
    expect(wipe.find((e) => e.type === 'StepFailed')?.payload).toMatchObject({ stepId: 'wipe', error: reason });
    expect(wipe.at(-1)).toMatchObject({ type: 'WorkflowFailed', payload: { failedStep: 'wipe', reason: `step wipe failed: ${reason}` } });

    const tidy = await run('name: tidy\nsteps:\n  - { id: tidy, capability: tidy }\n');
    expect(tidy.at(-1)).toMatchObject({ type: 'WorkflowCompleted', payload: { output: { tidy: { done: true } } } });
    expect(wiped).toEqual(['tidy']);
  }, 60_000);

  it('asks policy before spawning or terminating an agent: refused without an agent.spawn rule', async () => {
    const oncall = { tenant: 'acme', actor: { kind: 'user' as const, id: 'oncall' } };
    const answers = async (commandId: string) => (await system.store.readStream('supervision-nonesuch').catch(() => [])).map((r) => r.event).filter((e) => e.causationId === commandId);
    // The default bundle lets operators spawn: what refuses an unknown template is the supervisor.
    const allowed = createMessage('SpawnAgent', { template: 'nonesuch', count: 1 }, oncall);
    await system.client.publishMessage(allowed);
    const [unknown] = await waitFor(() => answers(allowed.id), (found) => found.length === 1, { what: 'the supervisor refusal' });
    expect(unknown.payload).toMatchObject({ template: 'nonesuch', reason: expect.not.stringMatching(/^policy/) });

    await system.client.publishMessage(createMessage('PublishPolicyBundle', { yaml: 'version: no-spawn\nrules:\n  - { id: allow-intents, effect: allow, actions: [intent.submit], reason: intents only }\n', source: 'no-spawn.yaml' }, { tenant: 'system', actor: oncall.actor }));
    await waitFor(() => system.client.query(createMessage('GetPolicyBundle', {}, oncall)), (b) => b.version === 'no-spawn', { what: 'the bundle without agent.spawn' });
    const spawn = createMessage('SpawnAgent', { template: 'nonesuch', count: 1 }, oncall);
    await system.client.publishMessage(spawn);
    const [refused] = await waitFor(() => answers(spawn.id), (found) => found.length === 1, { what: 'the policy refusal' });
    expect(refused).toMatchObject({ type: 'SpawnAgentRefused', payload: { template: 'nonesuch', reason: 'policy: no rule allows agent.spawn on agent-template nonesuch (rule none)' } });

    const terminate = createMessage('TerminateAgent', { instanceId: 'e2e-holder', reason: 'test' }, oncall);
    await system.client.publishMessage(terminate);
    const [kept] = await waitFor(async () => (await system.store.readStream('supervision-instance-e2e-holder').catch(() => [])).map((r) => r.event), (found) => found.length === 1, { what: 'the terminate refusal' });
    expect(kept).toMatchObject({ type: 'TerminateAgentRefused', causationId: terminate.id, payload: { instanceId: 'e2e-holder', reason: 'policy: no rule allows agent.spawn on agent-instance e2e-holder (rule none)' } });
  }, 60_000);
});
