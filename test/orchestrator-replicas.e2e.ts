import { createMessage, newId, type Envelope, type MessageOf } from '@agentos/contracts';
import { waitFor } from '@agentos/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnApp, type AppProcess } from '../scripts/processes';
import { cliRunner } from './cli-runner';
import { DIAMOND, DIAMOND_STEPS, countingAgent } from './fixtures/counting-diamond';
import { startSystem, type RunningSystem } from './system';

/** Side effects per workflow step: a step that ran twice to completion would count 2. */
const effects = new Map<string, number>();
const LEASE_MS = 2_000;

/**
 * Issue 17: several orchestrator replicas, one working at a time (its scheduler's view of agent slots is in
 * memory), the others standing by on a JetStream KV lease. Real processes on a real nats-server.
 */
describe('orchestrator replicas: one active, the others standing by (real processes)', () => {
  let system: RunningSystem;
  const replicas = new Map<string, AppProcess>();
  const lines: Record<string, unknown>[] = [];

  const spawnReplica = (id: string) => {
    const env = { NATS_URL: system.nats.url, AGENTOS_INSTANCE_ID: id, AGENTOS_LEASE_MS: String(LEASE_MS), AGENTOS_LIVENESS_TIMEOUT_MS: '1500' };
    replicas.set(id, spawnApp('orchestrator', env, (line) => lines.push({ ...line, replica: id })));
  };
  /** The replica that logged its start line: it holds the lease. */
  const active = (among: string[]) => Promise.race(among.map((id) => replicas.get(id)!.started.then(() => id)));
  const run = async () => {
    const workflowId = newId();
    await system.client.publishMessage(createMessage('RunWorkflow', { workflowId, definition: DIAMOND, input: {} }, system.origin));
    return workflowId;
  };
  const settled = (history: Envelope[]) => history.some((e) => ['WorkflowCompleted', 'WorkflowFailed', 'WorkflowRejected'].includes(e.type));
  const assertCompletedOnce = async (runs: string[]) => {
    for (const runId of runs) {
      const history = await waitFor(() => system.history(runId), settled, { what: `workflow ${runId} to settle`, timeoutMs: 60_000 });
      expect([runId, history.at(-1)?.type]).toEqual([runId, 'WorkflowCompleted']);
      const completed = history.filter((e) => e.type === 'StepCompleted').map((e) => (e as MessageOf<'StepCompleted'>).payload.stepId);
      expect(completed.sort()).toEqual(DIAMOND_STEPS);
      for (const step of DIAMOND_STEPS) expect([runId, step, effects.get(`${runId}/${step}`)]).toEqual([runId, step, 1]);
    }
  };

  beforeAll(async () => {
    system = await startSystem([], { without: ['orchestrator'], agents: [countingAgent(effects)], env: { AGENTOS_LIVENESS_TIMEOUT_MS: '1500' } });
    for (const id of ['orchestrator-a', 'orchestrator-b', 'orchestrator-c']) spawnReplica(id);
  }, 60_000);

  afterAll(async () => {
    for (const replica of replicas.values()) replica.child.kill('SIGKILL');
    await system.stop();
  });

  let first = '';
  let second = '';

  it('one replica works and the others stand by', async () => {
    first = await active([...replicas.keys()]);
    const runs = await Promise.all([run(), run()]);
    await assertCompletedOnce(runs);
    // No other replica started meanwhile: they stood by while the active one renewed its lease.
    await new Promise((resolve) => setTimeout(resolve, 2 * LEASE_MS));
    expect(lines.filter((l) => l.event === 'service.started').map((l) => l.replica)).toEqual([first]);
  }, 90_000);

  it('`agentos cluster` shows every replica, which one holds the lease, and each consumer\'s lag', async () => {
    const agentos = cliRunner(() => ({ NATS_URL: system.nats.url, AGENTOS_CONFIG: join(mkdtempSync(join(tmpdir(), 'agentos-cluster-')), 'none.json') }));
    type View = { replicas: { service: string; instance: string; state: string; leaseHolder?: boolean }[]; leases: { holder: string }[]; consumers: { owner: string; consumer: string; pending: number }[] };
    const view = async () => {
      const { code, stdout, stderr } = await agentos('cluster', '--json');
      expect([code, stderr]).toEqual([0, '']);
      return JSON.parse(stdout.trim().split('\n')[0]) as View;
    };
    const shown = await waitFor(view, (v) => v.replicas.filter((r) => r.service === 'orchestrator').length === 3, { what: 'three orchestrator replicas in agentos cluster' });
    const orchestrators = shown.replicas.filter((r) => r.service === 'orchestrator').map((r) => [r.instance, r.state, r.leaseHolder]);
    expect(orchestrators.sort()).toEqual(['orchestrator-a', 'orchestrator-b', 'orchestrator-c'].map((id) => (id === first ? [id, 'active', true] : [id, 'standing-by', false])));
    expect(shown.leases).toEqual([expect.objectContaining({ holder: first })]);
    // The services startSystem runs in this process say so too, each active.
    expect(new Set(shown.replicas.filter((r) => r.service !== 'orchestrator').map((r) => `${r.service}:${r.state}`))).toEqual(new Set(['registry:active', 'memory:active', 'policy:active', 'observability:active']));
    // The active replica's durable consumers, with nothing left behind once its runs completed.
    const mine = shown.consumers.filter((c) => c.owner === 'orchestrator');
    expect(mine.map((c) => c.consumer)).toContain('orchestrator-SubmitIntent');
    expect(mine.every((c) => c.pending === 0)).toBe(true);
    const { stdout } = await agentos('cluster');
    expect(stdout).toMatch(new RegExp(`orchestrator +${first} +active .*holds the lease`));
  }, 60_000);

  it('SIGKILL of the active replica: another takes over within 5 s of the lease running out, and every run completes once', async () => {
    const runs = await Promise.all([run(), run(), run()]);
    await waitFor(async () => effects.size, (n) => n >= 4 * 2 + 4, { what: 'a few steps of the new runs done', timeoutMs: 30_000 });
    const killedAt = Date.now();
    replicas.get(first)!.child.kill('SIGKILL');
    second = await active([...replicas.keys()].filter((id) => id !== first));
    expect(Date.now() - killedAt).toBeLessThan(LEASE_MS + 5_000);
    await assertCompletedOnce(runs);
  }, 120_000);

  it('a replica frozen past its lease is replaced, and steps back (exits) when it wakes', async () => {
    const frozen = replicas.get(second)!;
    const runs = await Promise.all([run(), run()]);
    frozen.child.kill('SIGSTOP');
    const third = await active([...replicas.keys()].filter((id) => id !== first && id !== second));
    frozen.child.kill('SIGCONT');
    // It finds its lease taken over at its next renewal, stops working and exits for the platform to restart it.
    expect(await frozen.exited).toBe(1);
    expect(lines.some((l) => l.replica === second && l.event === 'service.stepped-back')).toBe(true);
    expect(third).not.toBe(second);
    await assertCompletedOnce(runs);
  }, 120_000);
});
