import { STEP_LEDGER_BUCKET } from '@agentos/agent-sdk';
import { subjectFilter, createMessage, decodeMessage, newId, type Envelope, type MessageOf } from '@agentos/contracts';
import type { NatsConnector } from '@agentos/messaging';
import { waitFor } from '@agentos/testing';
import { parseWorkflowDocument } from '@agentos/workflow';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnApp, spawnScript, type AppProcess } from '../scripts/processes';
import { DIAMOND, DIAMOND_STEPS, countingAgent } from './fixtures/counting-diamond';
import { startSystem, type RunningSystem } from './system';

/** Where the slowpoke agent processes record their crawls. */
const effectsFile = join(mkdtempSync(join(tmpdir(), 'agentos-failover-')), 'crawls.log');
/** Side effects per workflow step: a step that ran twice to completion would count 2. */
const effects = new Map<string, number>();

describe('failover: processes killed mid-workflow, against a real nats-server', () => {
  let system: RunningSystem;
  let orchestrator: AppProcess;
  const processes: AppProcess[] = [];
  // The orchestrator restarts under its own replica name, so it takes its lease back without waiting it out.
  const env = () => ({ NATS_URL: system.nats.url, AGENTOS_LIVENESS_TIMEOUT_MS: '1500', AGENTOS_INSTANCE_ID: 'orchestrator-1' });
  const startOrchestrator = async () => {
    orchestrator = spawnApp('orchestrator', env());
    processes.push(orchestrator);
    await orchestrator.started;
  };
  const events = async (runId: string) => (await system.history(runId)) as Envelope[];
  const run = async (definition = DIAMOND, input: Record<string, unknown> = {}) => {
    const workflowId = newId();
    await system.client.publishMessage(createMessage('RunWorkflow', { workflowId, definition, input }, system.origin));
    return workflowId;
  };
  const settled = (history: Envelope[]) => history.some((e) => ['WorkflowCompleted', 'WorkflowFailed', 'WorkflowRejected'].includes(e.type));

  beforeAll(async () => {
    system = await startSystem([], { without: ['orchestrator'], agents: [countingAgent(effects)], env: { AGENTOS_LIVENESS_TIMEOUT_MS: '1500' } });
    await startOrchestrator();
  }, 60_000);

  afterAll(async () => {
    for (const p of processes) p.child.kill('SIGKILL');
    await system.stop();
  });

  it('SIGKILL of the orchestrator mid-workflow: after a restart every workflow completes and no step ran twice', async () => {
    const runs = await Promise.all([run(), run(), run()]);
    // Kill once some steps have finished and others are running or queued.
    await waitFor(async () => effects.size, (n) => n >= 4, { what: 'a few steps done', timeoutMs: 20_000 });
    orchestrator.child.kill('SIGKILL');
    expect(await orchestrator.exited).toBeNull();
    const doneWhileDown = effects.size;
    await new Promise((resolve) => setTimeout(resolve, 800)); // agents finish what they hold; their reports wait in JetStream
    await startOrchestrator();
    for (const runId of runs) {
      const history = await waitFor(() => events(runId), settled, { what: `workflow ${runId} to settle`, timeoutMs: 30_000 });
      expect(history.at(-1)?.type).toBe('WorkflowCompleted');
      const completedSteps = history.filter((e) => e.type === 'StepCompleted').map((e) => (e as MessageOf<'StepCompleted'>).payload.stepId);
      expect(completedSteps.sort()).toEqual(DIAMOND_STEPS);
      for (const step of DIAMOND_STEPS) expect([step, effects.get(`${runId}/${step}`)]).toEqual([step, 1]);
    }
    expect(doneWhileDown).toBeLessThan(18); // the kill really was mid-way
  }, 90_000);

  /** Two instances of the slowpoke agent (its own processes); their side effects go to `effectsFile`. */
  const slowpokes = async (ids: [string, string], extraEnv: Record<string, string> = {}) => {
    const instances = ids.map((id) => spawnScript(id, join(__dirname, 'fixtures/agents/slowpoke.ts'), { ...env(), AGENTOS_INSTANCE_ID: id, SLOWPOKE_EFFECTS_FILE: effectsFile, ...extraEnv }));
    processes.push(...instances);
    await Promise.all(instances.map((p) => p.started));
    await waitFor(() => system.client.query(createMessage('FindAgents', { name: 'slowpoke' }, system.origin)), (r) => ids.every((id) => r.agents.some((a) => a.instanceId === id)), { what: `${ids.join(' and ')} registered` });
    return instances;
  };
  const crawlsOf = (runId: string) => (existsSync(effectsFile) ? readFileSync(effectsFile, 'utf8') : '').split('\n').filter((line) => line.startsWith(`${runId}.`));

  it('SIGKILL of an agent instance mid-task: it is declared down and the task runs on the other instance', async () => {
    // A short lease: the survivor takes the dead instance's step over 4 s after its last refresh.
    const instances = await slowpokes(['slow-a', 'slow-b'], { AGENTOS_STEP_LEASE_MS: '4000' });
    const nc = await system.client.unwrap<NatsConnector>().connection$();
    const dropped: string[] = [];
    const watch = nc.subscribe(subjectFilter('AgentInstanceDropped'), { callback: (_, msg) => {
      const parsed = decodeMessage(msg.data);
      if (parsed.ok && parsed.message.type === 'AgentInstanceDropped') dropped.push(parsed.message.payload.instanceId);
    } });
    const definition = parseWorkflowDocument('name: crawl\nsteps:\n  - { id: crawl, capability: crawl, input: { ms: 2500 }, timeout: 60s }\n', 'crawl.yaml');
    const runId = await run(definition);
    const first = await waitFor(() => events(runId), (h) => h.some((e) => e.type === 'TaskAssigned'), { what: 'the task assigned' });
    const victim = (first.find((e) => e.type === 'TaskAssigned') as MessageOf<'TaskAssigned'>).payload.instanceId;
    const survivor = victim === 'slow-a' ? 'slow-b' : 'slow-a';
    instances[victim === 'slow-a' ? 0 : 1].child.kill('SIGKILL');
    const history = await waitFor(() => events(runId), settled, { what: 'the crawl to settle', timeoutMs: 30_000 });
    watch.unsubscribe();
    expect(dropped).toContain(victim);
    expect(history.at(-1)).toMatchObject({ type: 'WorkflowCompleted', payload: { output: { crawl: { crawledBy: survivor } } } });
    const assignments = history.filter((e) => e.type === 'TaskAssigned') as MessageOf<'TaskAssigned'>[];
    // The same task (same id, same attempt) moved: nothing was counted as a failed attempt.
    expect(assignments.map((a) => [a.payload.instanceId, a.payload.attempt])).toEqual([[victim, 1], [survivor, 1]]);
    expect(new Set(assignments.map((a) => a.payload.taskId)).size).toBe(1);
    expect(history.filter((e) => e.type === 'TaskCompleted')).toHaveLength(1);
    expect(crawlsOf(runId)).toEqual([`${runId}.crawl ${survivor}`]);
    instances.forEach((p) => p.child.kill('SIGKILL'));
  }, 60_000);

  it('an instance wrongly declared down (frozen mid-task, then back): the re-queued task waits for it and the step runs once', async () => {
    // A lease far longer than the freeze: the other instance must wait, not take the step over.
    const instances = await slowpokes(['frozen-a', 'frozen-b'], { AGENTOS_STEP_LEASE_MS: '60000' });
    const definition = parseWorkflowDocument('name: crawl\nsteps:\n  - { id: crawl, capability: crawl, input: { ms: 1500 }, timeout: 60s }\n', 'crawl.yaml');
    const runId = await run(definition);
    const first = await waitFor(() => events(runId), (h) => h.some((e) => e.type === 'TaskAssigned'), { what: 'the task assigned' });
    const holder = (first.find((e) => e.type === 'TaskAssigned') as MessageOf<'TaskAssigned'>).payload.instanceId;
    const other = holder === 'frozen-a' ? 'frozen-b' : 'frozen-a';
    // Frozen only once it holds the step (assigned is not yet received), so the step really is in its hands.
    const ledger = await system.client.unwrap<NatsConnector>().kv(STEP_LEDGER_BUCKET);
    await waitFor(() => ledger.get(`slowpoke.${runId}.crawl`), (entry) => entry?.json<{ owner: string }>().owner.startsWith(`${holder}/`) === true, { what: `${holder} to claim the step` });
    // A pause as a long GC or a partition would cause: no heartbeats, so the registry declares it down.
    const frozen = instances[holder === 'frozen-a' ? 0 : 1].child;
    frozen.kill('SIGSTOP');
    await waitFor(() => events(runId), (h) => h.some((e) => e.type === 'TaskAssigned' && (e as MessageOf<'TaskAssigned'>).payload.instanceId === other), { what: 'the task re-queued to the other instance', timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // the other instance holds the re-queued task meanwhile
    frozen.kill('SIGCONT');
    const history = await waitFor(() => events(runId), settled, { what: 'the crawl to settle', timeoutMs: 30_000 });
    // The holder finished its crawl; the other instance answered with that outcome instead of crawling again.
    expect(history.at(-1)).toMatchObject({ type: 'WorkflowCompleted', payload: { output: { crawl: { crawledBy: holder } } } });
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // a second crawl, had it started, would have ended by now
    expect(crawlsOf(runId)).toEqual([`${runId}.crawl ${holder}`]);
    instances.forEach((p) => p.child.kill('SIGKILL'));
  }, 60_000);
});
