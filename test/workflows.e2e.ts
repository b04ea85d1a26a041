import { defineAgent, runAgent, type AgentDefinition, type RunningAgent } from '@agentos/agent-sdk';
import { subjectFilter, createMessage, decodeMessage, newId, type Envelope, type MessageOf, type Priority } from '@agentos/contracts';
import type { NatsConnector } from '@agentos/messaging';
import { readStoredMessages, waitFor } from '@agentos/testing';
import { parseWorkflowDocument } from '@agentos/workflow';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { DEMO_AGENTS } from '../apps/demo-agent/src/demo-agents';
import { cliRunner } from './cli-runner';
import { startSystem, type RunningSystem } from './system';

const EXAMPLES = join(__dirname, '../examples');
const FIXTURES = join(__dirname, 'fixtures/replay');

/** One task at a time, in the order the scheduler hands them out; `blocker` waits until released. */
const executed: string[] = [];
let release: () => void = () => undefined;
const gate = defineAgent({
  name: 'gate',
  version: '1.0.0',
  owner: 'test-team',
  capabilities: ['pass'],
  concurrency: 1,
  input: z.object({ label: z.string() }),
  async handle({ label }) {
    if (label === 'blocker') await new Promise<void>((resolve) => (release = resolve));
    executed.push(label);
    return { label };
  },
});

const jsonLines = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

describe('declarative workflows, end to end against a real nats-server', () => {
  let system: RunningSystem;
  let work: string;
  const agentos = cliRunner(() => ({ NATS_URL: system.nats.url, AGENTOS_TENANT: 'acme', AGENTOS_USER: 'alice', AGENTOS_CONFIG: join(work, 'none.json') }));
  const history = (runId: string) => system.history(runId) as Promise<Envelope[]>;
  const settled = (events: Envelope[]) => events.some((e) => ['WorkflowCompleted', 'WorkflowFailed', 'WorkflowRejected'].includes(e.type));
  const start = async (yaml: string, options: { tenant?: string; priority?: Priority; input?: Record<string, unknown> } = {}) => {
    const workflowId = newId();
    const definition = parseWorkflowDocument(yaml, 'test.yaml');
    await system.client.publishMessage(createMessage('RunWorkflow', { workflowId, definition, input: options.input ?? {}, ...(options.priority ? { priority: options.priority } : {}) }, { ...system.origin, tenant: options.tenant ?? 'acme' }));
    return workflowId;
  };
  const onePass = (label: string) => `name: one-pass\nsteps:\n  - { id: pass, capability: pass, input: { label: ${label} } }\n`;
  const scheduler = () => system.client.query(createMessage('GetSchedulerState', {}, system.origin));

  beforeAll(async () => {
    system = await startSystem([gate as AgentDefinition<never, unknown>], { agents: Object.values(DEMO_AGENTS), env: { AGENTOS_BREAKER_FAILURES: '2', AGENTOS_BREAKER_COOLDOWN_MS: '1500' } });
    work = mkdtempSync(join(tmpdir(), 'agentos-workflows-'));
  }, 60_000);

  afterAll(async () => {
    release();
    await system.stop();
  });

  it('runs examples/research-report.yaml from the CLI, printing each step as it happens', async () => {
    const run = await agentos('run', join(EXAMPLES, 'research-report.yaml'), '--input', 'topic=solid-state batteries');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^started workflow [\da-f-]{36} \(research-report, 3 steps\)/);
    for (const step of ['research', 'summarise', 'review']) {
      expect(run.stdout).toMatch(new RegExp(`TaskAssigned\\s+${step} → \\w+@1\\.0\\.0 on e2e-\\w+`));
      expect(run.stdout).toMatch(new RegExp(`StepCompleted\\s+${step} ✓`));
    }
    expect(run.stdout).toMatch(/TaskProgressed\s+research: researching solid-state batteries \(10%\)/);
    const output = JSON.parse(/WorkflowCompleted\s+output (.*)$/m.exec(run.stdout)![1]) as Record<string, unknown>;
    expect(output).toMatchObject({ topic: 'solid-state batteries', approved: true, notes: expect.stringMatching(/^approved: \d+ words$/) });
    expect(String(output.summary)).toMatch(/^solid-state batteries: Finding 1: /);
  }, 60_000);

  it('runs examples/parallel-digest.yaml: three research steps at once, then the fan-in', async () => {
    const run = await agentos('--json', 'run', join(EXAMPLES, 'parallel-digest.yaml'), '--input-file', join(EXAMPLES, 'parallel-digest.input.json'));
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    const events = lines.filter((l) => l.event).map((l) => ({ event: l.event as string, payload: l.payload as Record<string, unknown> }));
    expect(events.find((e) => e.event === 'WorkflowStarted')?.payload).toMatchObject({ priority: 'high' });
    const order = events.filter((e) => e.event === 'TaskQueued').map((e) => e.payload.stepId);
    expect(order.slice(0, 3).sort()).toEqual(['research-first', 'research-second', 'research-third']);
    expect(order.slice(3)).toEqual(['digest', 'send']);
    // The digest's input joins the three research texts, each under its own topic.
    const digest = events.find((e) => e.event === 'TaskQueued' && e.payload.stepId === 'digest')!.payload.input as { text: string };
    for (const topic of ['fusion power', 'perovskite solar cells', 'grid storage']) expect(digest.text).toContain(`${topic}: Finding 1:`);
    expect(lines.at(-1)).toMatchObject({ outcome: 'WorkflowCompleted', payload: { output: { sources: ['fusion power', 'perovskite solar cells', 'grid storage'], digest: expect.stringMatching(/^fusion power: /) } } });
  }, 60_000);

  it('runs examples/order-with-compensation.yaml: a good order completes, a declined one is refunded and fails', async () => {
    const good = await agentos('--json', 'run', join(EXAMPLES, 'order-with-compensation.yaml'), '--input', 'orderId=o-42', '--input', 'amount=250');
    expect(good.code).toBe(0);
    expect(jsonLines(good.stdout).at(-1)).toMatchObject({ outcome: 'WorkflowCompleted', payload: { output: { orderId: 'o-42', chargeId: expect.stringMatching(/^ch_[\da-f]{12}$/), reviewed: true } } });

    const declined = await agentos('--json', 'run', join(EXAMPLES, 'order-with-compensation.yaml'), '--input', 'orderId=o-43', '--input', 'amount=5000');
    expect(declined.code).toBe(1);
    const lines = jsonLines(declined.stdout);
    const steps = lines.filter((l) => l.event).map((l) => `${l.event}:${(l.payload as { stepId?: string }).stepId ?? ''}`);
    expect(steps).toEqual(expect.arrayContaining(['StepRetryScheduled:charge', 'StepFailed:charge', 'TaskQueued:refund', 'StepCompleted:refund']));
    expect(steps.some((s) => s.endsWith(':notify'))).toBe(false);
    expect(lines.at(-1)).toMatchObject({ outcome: 'WorkflowFailed', payload: { failedStep: 'charge', compensatedBy: 'refund', reason: 'step charge failed: card declined for 5000' } });
    // A declined payment is a failed step and a failed workflow, counted with its kind of reason; it is no dead letter
    // (a message no handler could process), so nothing about it is parked.
    const workflowId = String(lines[0].started);
    const metrics = await waitFor(() => system.client.query(createMessage('GetMetrics', {}, system.origin)), (m) => (m.workflows.failed ?? 0) >= 1 && (m.failures['step-failed'] ?? 0) >= 1, { what: 'the failure counted' });
    expect(metrics.workflows.completed).toBeGreaterThanOrEqual(3); // research-report, parallel-digest and the good order
    expect(metrics.deadLetters['retries-exhausted']).toBeUndefined();
    const letters = await readStoredMessages<MessageOf<'MessageDeadLettered'>>(await system.client.unwrap<NatsConnector>().manager$(), 'AGENTOS_DEAD_LETTERS');
    expect(letters.filter((l) => l.payload.original.includes(workflowId) || l.payload.error.includes(workflowId))).toEqual([]);
    // The incident report reads the workflow's own outcome, not only an intent's.
    const report = join(work, 'declined.md');
    expect((await agentos('replay', workflowId, '--report', report)).code).toBe(0);
    expect(readFileSync(report, 'utf8')).toContain('- Outcome: **failed** (WorkflowFailed); failing step charge, compensated by refund — step charge failed: card declined for 5000');
  }, 60_000);

  it('re-runs the agents of a finished workflow on their recorded model and memory answers, and finds where changed code diverges', async () => {
    const workflowId = await start(readFileSync(join(EXAMPLES, 'research-report.yaml'), 'utf8'), { input: { topic: 'tidal power' } });
    const events = await waitFor(() => history(workflowId), settled, { what: 'the research report' });
    expect(events.at(-1)?.type).toBe('WorkflowCompleted');
    const same = await agentos('replay', workflowId, '--agents', join(__dirname, '../apps/demo-agent/src/demo-agents.ts'));
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('re-ran 3 agent tasks against their recorded calls: same as recorded');
    // The researcher now asks the model something else: the replay stops at that call, without calling any model.
    const asked = await agentos('replay', workflowId, '--agents', join(FIXTURES, 'changed-researcher.ts'));
    expect(asked.code).toBe(1);
    expect(asked.stdout).toMatch(/AGENT DIVERGENCE at event #\d+ \(step research, attempt 1, agent researcher\): call #1: recorded llm\.complete .*tidal power.*, now llm\.complete .*the history of tidal power/);
    // The summariser makes the same calls but returns something else.
    const answered = await agentos('replay', workflowId, '--agents', join(FIXTURES, 'changed-summariser.ts'));
    expect(answered.code).toBe(1);
    expect(answered.stdout).toMatch(/AGENT DIVERGENCE at event #\d+ \(step summarise, attempt 1, agent summariser\): recorded output \{.*"summary":"tidal power: .*, now \{.*"summary":"TIDAL POWER: /);
  }, 60_000);

  it('rejects a bad document before anything runs, naming the step, the field and the line', async () => {
    const cyclic = join(work, 'cyclic.yaml');
    writeFileSync(cyclic, 'name: loop\nsteps:\n  - id: a\n    needs: [b]\n    capability: summarise\n  - id: b\n    needs: [a]\n    capability: summarise\n');
    const cycle = await agentos('run', cyclic);
    expect(cycle.code).toBe(1);
    expect(cycle.stdout).toBe('');
    expect(cycle.stderr).toMatch(/cyclic\.yaml:\d+:\d+ steps\.\d \([ab]\)\.needs: cycle [ab] → [ab] → [ab]/);

    const unknown = join(work, 'unknown.yaml');
    writeFileSync(unknown, 'name: lost\nsteps:\n  - id: translate\n    capability: translate\n');
    const lost = await agentos('run', unknown);
    expect(lost.code).toBe(1);
    expect(lost.stderr).toContain('unknown.yaml:4:17 steps.0 (translate).capability: no registered agent offers capability "translate"');

    // A publisher that skips the CLI meets the same checks in the orchestrator.
    const definition = parseWorkflowDocument('name: lost\nsteps:\n  - { id: translate, capability: translate }\n', 'lost.yaml');
    const workflowId = newId();
    await system.client.publishMessage(createMessage('RunWorkflow', { workflowId, definition }, system.origin));
    const rejected = await waitFor(() => history(workflowId), settled, { what: 'the rejection' });
    expect(rejected.map((e) => e.type)).toEqual(['WorkflowRejected']);
    expect(rejected[0].payload).toMatchObject({ reason: 'invalid workflow "lost"', problems: ['steps.0 (translate).capability: no registered agent offers capability "translate"'] });
  });

  it('keeps a step whose agent is down waiting with a visible reason, and fails it after its timeout', async () => {
    const ghost = defineAgent({ name: 'ghost', version: '1.0.0', owner: 'test-team', capabilities: ['haunt'], handle: async () => 'boo' });
    const instance: RunningAgent = await runAgent(ghost, { nats: { servers: system.nats.url, name: 'ghost' }, instanceId: 'ghost-1', heartbeatMs: 250 });
    await instance.stop(); // registered once, now down: the capability is known, no instance is live
    await waitFor(() => system.client.query(createMessage('FindAgents', { name: 'ghost', includeDown: true }, system.origin)), (r) => r.agents[0]?.status === 'down');
    const workflowId = await start('name: haunted\nsteps:\n  - { id: haunt, capability: haunt, timeout: 2s }\n');
    const waiting = await waitFor(scheduler, (s) => s.waiting.some((w) => w.workflowId === workflowId), { what: 'the step to wait' });
    expect(waiting.waiting.find((w) => w.workflowId === workflowId)).toMatchObject({ stepId: 'haunt', reason: 'no live agent offers capability "haunt"' });
    const events = await waitFor(() => history(workflowId), settled, { what: 'the timeout' });
    expect(events.find((e) => e.type === 'TaskExpired')?.payload).toMatchObject({ stepId: 'haunt', reason: 'no agent instance took it in time', timeoutMs: 2_000 });
    expect(events.at(-1)).toMatchObject({ type: 'WorkflowFailed', payload: { failedStep: 'haunt', reason: 'step haunt failed: timed out after 2000 ms: no agent instance took it in time' } });
  });

  it('orders waiting work: high priority first, and a flooding tenant does not starve another', async () => {
    executed.length = 0;
    const blocker = await start(onePass('blocker'), { tenant: 'ops' });
    await waitFor(() => history(blocker), (h) => h.some((e) => e.type === 'TaskAssigned'), { what: 'the gate to be busy' });
    // While the only gate instance is busy, tenant flood queues eight, tenant quiet two, then flood one urgent task.
    const runs: string[] = [];
    for (let i = 1; i <= 8; i += 1) runs.push(await start(onePass(`flood-${i}`), { tenant: 'flood', priority: 'low' }));
    for (let i = 1; i <= 2; i += 1) runs.push(await start(onePass(`quiet-${i}`), { tenant: 'quiet', priority: 'low' }));
    runs.push(await start(onePass('flood-urgent'), { tenant: 'flood', priority: 'high' }));
    await waitFor(scheduler, (s) => s.queued === 11, { what: 'eleven tasks queued behind the blocker' });
    const depth = await scheduler();
    expect(depth).toMatchObject({ strategy: 'fair-share', queued: 11, queueDepth: { 'capability:pass': 11 }, byTenant: { flood: { queued: 9 }, quiet: { queued: 2 } } });
    release();
    for (const runId of runs) await waitFor(() => history(runId), settled, { what: `run ${runId}` });
    // Fair share alternates tenants; within a tenant the urgent task jumps the eight queued before it.
    expect(executed[1]).toBe('flood-urgent');
    expect(executed.map((label) => label.split('-')[0])).toEqual(['blocker', 'flood', 'quiet', 'flood', 'quiet', 'flood', 'flood', 'flood', 'flood', 'flood', 'flood', 'flood']);
  }, 60_000);

  it('opens the circuit of an instance that keeps failing, sends its work elsewhere, probes it half-open and closes it again', async () => {
    let failing = true;
    const flaky = defineAgent({
      name: 'flaky',
      version: '1.0.0',
      owner: 'test-team',
      capabilities: ['wobble'],
      concurrency: 1,
      async handle(_, ctx) {
        if (failing && ctx.task.instanceId === 'flaky-a') throw new Error('flaky-a is broken');
        return { by: ctx.task.instanceId };
      },
    });
    // flaky-a has the most free slots, so the scheduler prefers it while its circuit is closed.
    const instances = [
      await runAgent({ ...flaky, concurrency: 4 }, { nats: { servers: system.nats.url, name: 'flaky-a' }, instanceId: 'flaky-a', heartbeatMs: 250 }),
      await runAgent(flaky, { nats: { servers: system.nats.url, name: 'flaky-b' }, instanceId: 'flaky-b', heartbeatMs: 250 }),
    ];
    const nc = await system.client.unwrap<NatsConnector>().connection$();
    const changes: string[] = [];
    const watch = nc.subscribe(subjectFilter('CircuitStateChanged'), { callback: (_, msg) => {
      const parsed = decodeMessage(msg.data);
      if (parsed.ok && parsed.message.type === 'CircuitStateChanged') changes.push(`${parsed.message.payload.instanceId}:${parsed.message.payload.from}→${parsed.message.payload.to}`);
    } });
    try {
      await waitFor(() => system.client.query(createMessage('FindAgents', { name: 'flaky' }, system.origin)), (r) => r.agents.length === 2, { what: 'both flaky instances' });
      const wobble = 'name: wobble\nsteps:\n  - { id: wobble, capability: wobble, retries: { max: 4, backoff: 50ms } }\n';
      const first = await start(wobble);
      const firstEvents = await waitFor(() => history(first), settled, { what: 'the first wobble' });
      expect(firstEvents.at(-1)).toMatchObject({ type: 'WorkflowCompleted', payload: { output: { wobble: { by: 'flaky-b' } } } });
      const tried = firstEvents.filter((e) => e.type === 'TaskAssigned').map((e) => (e as MessageOf<'TaskAssigned'>).payload.instanceId);
      expect(tried).toEqual(['flaky-a', 'flaky-a', 'flaky-b']);
      expect(changes).toEqual(['flaky-a:closed→open']);
      // After the cool-down one probe may go to flaky-a; it is healthy again, so the circuit closes.
      failing = false;
      await waitFor(async () => changes, (c) => c.includes('flaky-a:open→half-open'), { what: 'the half-open state', timeoutMs: 5_000 });
      const probe = await start(wobble);
      const probeEvents = await waitFor(() => history(probe), settled, { what: 'the probe' });
      expect(probeEvents.at(-1)).toMatchObject({ type: 'WorkflowCompleted', payload: { output: { wobble: { by: 'flaky-a' } } } });
      await waitFor(async () => changes, (c) => c.length === 3, { what: 'the circuit to close' });
      expect(changes).toEqual(['flaky-a:closed→open', 'flaky-a:open→half-open', 'flaky-a:half-open→closed']);
    } finally {
      watch.unsubscribe();
      await Promise.all(instances.map((i) => i.stop()));
    }
  }, 60_000);
});
