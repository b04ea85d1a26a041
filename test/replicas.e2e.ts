import type { AgentDefinition } from '@agentos/agent-sdk';
import { createMessage, newId, type Envelope, type MessageOf, type ReplyOf } from '@agentos/contracts';
import type { RecordedEvent } from '@agentos/event-store';
import { bootstrapNats, type NatsConnector } from '@agentos/messaging';
import { startNatsServer, waitFor, type NatsServerHandle } from '@agentos/testing';
import { parseWorkflowDocument } from '@agentos/workflow';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ROOT, spawnApp, type AppProcess } from '../scripts/processes';
import { spender } from './spender.agent';
import { startSystem, type RunningSystem } from './system';

/** The services that run as two processes each here; the orchestrator (one instance) and the agents run in the test. */
const REPLICATED = ['registry', 'memory', 'policy', 'observability'] as const;

/** The default bundle plus a rate limit for one tenant and a cost budget per tenant (only the spender spends: 1 per 1,000 tokens). */
const bundle = () => `${readFileSync(join(ROOT, 'config/policy/default.yaml'), 'utf8').replace(/^version: .*$/m, 'version: replicas-1')}
rateLimits:
  - { id: hooli-intents, actions: [intent.submit], per: tenant, tenants: [hooli], capacity: 4, refillPerSecond: 0 }
budgets:
  tenant: { cost: 5 }
`;

const OUTCOMES = ['IntentCompleted', 'IntentRejected', 'IntentFailed', 'WorkflowCompleted', 'WorkflowFailed', 'WorkflowRejected'];
const TWO_STEPS = `name: two-summaries
steps:
  - { id: first, capability: summarise, input: { goal: Summarise, text: "\${input.text}" } }
  - { id: second, needs: [first], capability: summarise, input: { goal: Summarise again, text: "\${steps.first.output.summary}" } }
`;

describe('registry, memory, policy and observability with two replicas each, on one nats-server', () => {
  let nats: NatsServerHandle;
  let system: RunningSystem;
  const replicas: AppProcess[] = [];
  /** Each observability replica's HTTP address, from its own log. */
  const dashboards: string[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    await bootstrapNats({ servers: nats.url, name: 'e2e-bootstrap' });
    const logs = mkdtempSync(join(tmpdir(), 'agentos-replicas-'));
    const policyFile = join(logs, 'bundle.yaml');
    writeFileSync(policyFile, bundle());
    const env = {
      NATS_URL: nats.url,
      AGENTOS_POLICY_BUNDLE: policyFile,
      AGENTOS_LIVENESS_TIMEOUT_MS: '2000',
      AGENTOS_MEMORY_SWEEP_SECONDS: '1',
      AGENTOS_OBSERVABILITY_PORT: '0',
      AGENTOS_INSECURE: '1',
    };
    for (const name of REPLICATED) {
      for (let i = 0; i < 2; i += 1) {
        const onLine = (line: Record<string, unknown>) => line.event === 'http.listening' && dashboards.push(String(line.url));
        replicas.push(spawnApp(name, env, onLine, { logFile: join(logs, `${name}-${i}.log`) }));
      }
    }
    await Promise.all(replicas.map((replica) => replica.started));
    system = await startSystem([spender as AgentDefinition<never, unknown>], { nats, without: [...REPLICATED], env });
  }, 120_000);

  afterAll(async () => {
    // The replicas drain while NATS is still up; then the system stops, nats-server with it.
    replicas.forEach((replica) => replica.child.kill('SIGTERM'));
    await Promise.all(replicas.map((replica) => replica.exited));
    if (system) await system.stop();
    else await nats?.stop();
  });

  const allRecorded = (): Promise<RecordedEvent[]> => system.store.readAll();
  const runWorkflow = async (text: string) => {
    const workflowId = newId();
    const definition = parseWorkflowDocument(TWO_STEPS, 'two-summaries.yaml');
    await system.client.publishMessage(createMessage('RunWorkflow', { workflowId, definition, input: { text } }, system.origin));
    return waitFor(() => system.history(workflowId), (events) => events.some((e) => OUTCOMES.includes(e.type)), { what: `workflow ${workflowId} to settle`, timeoutMs: 60_000 });
  };

  it('completes every intent and workflow exactly once', async () => {
    // In rounds of four at once: each intent must settle within system.submit's wait on a loaded 2-core machine.
    const intents = [];
    for (let round = 0; round < 5; round += 1) {
      intents.push(...(await Promise.all(Array.from({ length: 4 }, (_, i) => system.submit('summarise', { text: `Replicas share the work. Run ${round}.${i} ends once.` })))));
    }
    const workflows = await Promise.all(Array.from({ length: 3 }, (_, i) => runWorkflow(`Workflow ${i} runs two steps on replicated services.`)));
    expect(intents.map((r) => r.events.at(-1)?.type)).toEqual(intents.map(() => 'IntentCompleted'));
    for (const events of workflows) {
      expect(events.filter((e) => OUTCOMES.includes(e.type)).map((e) => e.type)).toEqual(['WorkflowCompleted']);
      expect(events.filter((e) => e.type === 'StepCompleted')).toHaveLength(2);
    }
    for (const { intentId } of intents) {
      const history = await system.history(intentId);
      // One decision of policy per run, though two policy replicas share its consumer; one outcome.
      expect(history.filter((e) => e.type === 'PolicyDecided' && (e.payload as { action?: string }).action === 'intent.submit')).toHaveLength(1);
      expect(history.filter((e) => OUTCOMES.includes(e.type))).toHaveLength(1);
    }
  }, 120_000);

  it('enforces a rate limit exactly: of eight concurrent intents of a tenant allowed four, four run', async () => {
    const runs = await Promise.all(Array.from({ length: 8 }, () => system.submit('summarise', { text: 'Rate limited across policy replicas.' }, { tenant: 'hooli' })));
    const outcomes = runs.map((r) => r.events.at(-1));
    expect(outcomes.filter((e) => e?.type === 'IntentCompleted')).toHaveLength(4);
    const rejected = outcomes.filter((e) => e?.type === 'IntentRejected');
    expect(rejected).toHaveLength(4);
    for (const event of rejected) expect(event?.payload).toMatchObject({ rule: 'rate-limit:hooli-intents' });
  }, 90_000);

  it('counts spending exactly: the tenant budget is spent at five units, once, whichever replica counted', async () => {
    const umbrella = { tenant: 'umbrella' };
    for (let i = 0; i < 5; i += 1) expect((await system.submit('spend', { tokens: 1000, ms: 0 }, umbrella)).events.at(-1)?.type).toBe('IntentCompleted');
    const exhausted = await waitFor(
      async () => (await system.store.readStream('budgets-umbrella')).map((r) => r.event as MessageOf<'BudgetExhausted'>),
      (events) => events.length > 0,
      { what: 'the tenant budget to be spent' },
    );
    expect(exhausted.map((e) => e.payload)).toEqual([{ scope: 'tenant', id: 'umbrella', metric: 'cost', used: 5, limit: 5 }]);
    expect((await system.submit('spend', { tokens: 1000, ms: 0 }, umbrella)).events.at(-1)?.payload).toMatchObject({ rule: 'budget:tenant:cost' });
  }, 90_000);

  it('answers memory consistently from either replica: compare-and-set, reads after writes, notes, one sweep', async () => {
    const origin = system.origin;
    const area = { scope: 'tenant' as const, scopeId: 'acme' };
    const write = (key: string, value: unknown, expectedRevision?: number, ttlSeconds?: number) =>
      system.client.query(createMessage('WriteMemory', { ...area, key, value, expectedRevision, ttlSeconds }, origin));
    const read = (key: string) => system.client.query(createMessage('GetMemory', { ...area, key }, origin));
    // Twelve increments by compare-and-set, each read back at once (by whichever replica answers).
    let revision = 0;
    for (let i = 1; i <= 12; i += 1) {
      const written = (await write('counter', i, revision)) as Extract<ReplyOf<'WriteMemory'>, { status: 'written' }>;
      expect(written.status).toBe('written');
      revision = written.revision;
      expect(await read('counter')).toMatchObject({ found: true, value: i, revision });
    }
    // Ten writers racing on the same revision: exactly one wins, whichever replica each asked.
    const raced = await Promise.all(Array.from({ length: 10 }, (_, i) => write('counter', 100 + i, revision)));
    expect(raced.filter((r) => r.status === 'written')).toHaveLength(1);
    expect(raced.filter((r) => r.status === 'conflict')).toHaveLength(9);
    // Notes appended through both replicas are found by both.
    for (let i = 0; i < 6; i += 1) await system.client.query(createMessage('AppendNote', { ...area, text: `replicated note ${i} about lighthouses`, tags: [] }, origin));
    const searches = await Promise.all(Array.from({ length: 6 }, () => system.client.query(createMessage('SearchNotes', { ...area, query: 'lighthouses', limit: 20 }, origin))));
    for (const found of searches) expect(found.hits.map((h) => h.text).sort()).toEqual(Array.from({ length: 6 }, (_, i) => `replicated note ${i} about lighthouses`));
    // Values that expire are freed once, though both replicas sweep every second.
    for (let i = 0; i < 5; i += 1) expect((await write(`short-${i}`, i, undefined, 1)).status).toBe('written');
    const kv = await system.client.unwrap<NatsConnector>().kv('agentos_memory');
    const operations = async (key: string) => {
      const ops: string[] = [];
      // nats.js's history iterator can yield an undefined entry when it ends while a sweep deletes (seen once in CI): not an operation.
      for await (const entry of await kv.history({ key: `acme.tenant.acme.${key}` })) if (entry) ops.push(entry.operation);
      return ops;
    };
    for (let i = 0; i < 5; i += 1) {
      await waitFor(() => operations(`short-${i}`), (ops) => ops.includes('DEL'), { what: `short-${i} to be swept`, timeoutMs: 15_000 });
    }
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // two more sweeps of each replica
    for (let i = 0; i < 5; i += 1) expect(await operations(`short-${i}`)).toEqual(['PUT', 'DEL']);
  }, 90_000);

  it('declares a silent agent instance down once, though both registries sweep', async () => {
    const doomed = spawnApp('demo-agent', { NATS_URL: nats.url, AGENTOS_DEMO_AGENTS: 'notifier', AGENTOS_INSTANCE_ID: 'doomed-notifier', AGENTOS_HEARTBEAT_MS: '250' });
    await doomed.started;
    const find = () => system.client.query(createMessage('FindAgents', { name: 'notifier' }, system.origin));
    await waitFor(find, (reply) => reply.agents.some((a) => a.instanceId === 'doomed-notifier'), { what: 'the notifier to register' });
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    await waitFor(find, (reply) => reply.agents.length === 0, { what: 'the notifier to be declared down', timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // more sweeps of both registries
    const dropped = (await system.store.readStream('agent-notifier')).filter((r) => r.event.type === 'AgentInstanceDropped');
    expect(dropped.map((r) => (r.event as MessageOf<'AgentInstanceDropped'>).payload.instanceId)).toEqual(['doomed-notifier']);
    // Every registry replica answers the same.
    const answers = await Promise.all(Array.from({ length: 6 }, () => system.client.query(createMessage('FindAgents', {}, system.origin))));
    for (const reply of answers) expect(reply.agents.map((a) => a.instanceId)).toEqual(answers[0]!.agents.map((a) => a.instanceId));
  }, 60_000);

  it('records no fact twice in the event store', async () => {
    // A fact may be recorded in two histories (policy's decisions in its own and in the run's), never twice in one.
    const recorded = (await allRecorded()).map((r) => `${r.stream} ${r.event.id}`);
    expect(recorded.length).toBeGreaterThan(200);
    expect(recorded.filter((key, i) => recorded.indexOf(key) !== i)).toEqual([]);
  });

  it('has every observability replica count every fact: the same metrics from each, matching the event store', async () => {
    expect(dashboards).toHaveLength(2);
    const recorded = (await allRecorded()).map((r) => r.event as Envelope);
    const count = (type: string) => new Set(recorded.filter((e) => e.type === type).map((e) => e.id)).size;
    const expected = { completed: count('IntentCompleted'), rejected: count('IntentRejected'), failed: count('IntentFailed') };
    expect(expected.completed).toBeGreaterThanOrEqual(20 + 4 + 5);
    const snapshot = async (url: string) => (await (await fetch(`${url}/api/metrics`)).json()) as ReplyOf<'GetMetrics'>;
    for (const url of dashboards) {
      const metrics = await waitFor(() => snapshot(url), (m) => m.intents.completed === expected.completed && m.intents.rejected === expected.rejected, {
        what: `observability at ${url} to count ${JSON.stringify(expected)}`,
        timeoutMs: 20_000,
      });
      expect(metrics.intents).toMatchObject(expected);
      expect(metrics.workflows.completed).toBe(count('WorkflowCompleted'));
    }
    // Latency histograms depend on the order each replica read the types in; the counts do not.
    const counts = async (url: string) => ({ ...(await snapshot(url)), intentLatencyMs: undefined });
    const [a, b] = await waitFor(() => Promise.all(dashboards.map(counts)), ([x, y]) => isDeepStrictEqual(x, y), { what: 'both replicas to hold the same counts' });
    expect(a).toEqual(b);
    // GetMetrics over NATS, answered by either replica, says the same.
    const asked = await Promise.all(Array.from({ length: 6 }, () => system.client.query(createMessage('GetMetrics', {}, system.origin))));
    for (const reply of asked) expect(reply.intents).toEqual(a!.intents);
  }, 60_000);
});
