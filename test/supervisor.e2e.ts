import { createMessage, decodeMessage, type AnyMessage } from '@agentos/contracts';
import type { NatsConnector } from '@agentos/messaging';
import { waitFor } from '@agentos/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliRunner } from './cli-runner';
import { startSystem, type RunningSystem } from './system';

/** The orchestrator's supervisor, driven from the CLI: real agent processes from deploy/agents/templates.yaml. */
describe('agent supervisor: spawn, restart with back-off, terminate, kill switch', () => {
  let system: RunningSystem;
  let work: string;
  const seen: AnyMessage[] = [];
  const agentos = cliRunner(() => ({ NATS_URL: system.nats.url, AGENTOS_TENANT: 'acme', AGENTOS_USER: 'oncall', AGENTOS_CONFIG: join(work, 'none.json') }));
  const supervised = (type: string, instanceId?: string) => seen.filter((m) => m.type === type && (!instanceId || (m.payload as { instanceId: string }).instanceId === instanceId));
  const liveInstances = async () => (await system.client.query(createMessage('FindAgents', { name: 'reviewer' }, system.origin))).agents.map((a) => a.instanceId).sort();

  beforeAll(async () => {
    system = await startSystem([], { env: { AGENTOS_LIVENESS_TIMEOUT_MS: '3000' } });
    work = mkdtempSync(join(tmpdir(), 'agentos-supervisor-'));
    const nc = await system.client.unwrap<NatsConnector>().connection$();
    nc.subscribe('agentos.evt.agent.>', { callback: (_, msg) => {
      const parsed = decodeMessage(msg.data);
      if (parsed.ok) seen.push(parsed.message);
    } });
  }, 60_000);

  afterAll(async () => {
    await system.stop(); // stopping the orchestrator stops what it supervises
  });

  it('spawns instances that register, restarts one that crashes, terminates one on request', async () => {
    const spawned = await agentos('agents', 'spawn', 'reviewer', '--count', '2');
    expect(spawned.code).toBe(0);
    const ids = [...spawned.stdout.matchAll(/^spawned (reviewer-[\da-f]{8}) \(pid (\d+)\)$/gm)].map((m) => ({ instanceId: m[1], pid: Number(m[2]) }));
    expect(ids).toHaveLength(2);
    await waitFor(liveInstances, (live) => live.length === 2, { what: 'both reviewers registered', timeoutMs: 20_000 });
    expect(await liveInstances()).toEqual(ids.map((i) => i.instanceId).sort());

    // A crash: the supervisor notices, waits its back-off and starts the same slot again.
    const [victim, other] = ids;
    process.kill(victim.pid, 'SIGKILL');
    await waitFor(async () => supervised('AgentSpawned', victim.instanceId), (s) => s.some((m) => (m.payload as { restarts: number }).restarts === 1), { what: 'the restart', timeoutMs: 15_000 });
    expect(supervised('AgentExited', victim.instanceId)[0].payload).toMatchObject({ signal: 'SIGKILL', willRestartInMs: 500 });
    const restarted = supervised('AgentSpawned', victim.instanceId).map((m) => m.payload as { pid: number });
    expect(restarted.at(-1)!.pid).not.toBe(victim.pid);

    const terminated = await agentos('agents', 'terminate', other.instanceId, '--reason', 'scaling down');
    expect(terminated).toMatchObject({ code: 0, stdout: `terminated ${other.instanceId}: scaling down\n` });
    expect(supervised('AgentExited', other.instanceId).at(-1)?.payload).toMatchObject({ willRestartInMs: null });
    // It left the registry on its way out (graceful stop), so no task is sent to it any more.
    await waitFor(liveInstances, (live) => !live.includes(other.instanceId), { what: 'the terminated instance to leave' });
  }, 60_000);

  it('terminates the supervised instances of an agent when a kill switch stops it, and refuses an unknown template', async () => {
    const before = supervised('AgentTerminated').length;
    await system.client.publishMessage(createMessage('ActivateKillSwitch', { scope: 'agent', target: 'reviewer', reason: 'reviews are wrong' }, { tenant: 'system', actor: { kind: 'user', id: 'oncall' } }));
    const stopped = await waitFor(async () => supervised('AgentTerminated').slice(before), (t) => t.length === 1, { what: 'the kill switch to terminate the reviewer', timeoutMs: 15_000 });
    expect(stopped[0].payload).toMatchObject({ agent: 'reviewer', reason: 'kill switch (agent reviewer): reviews are wrong' });
    await system.client.publishMessage(createMessage('ReleaseKillSwitch', { scope: 'agent', target: 'reviewer', reason: 'fixed' }, { tenant: 'system', actor: { kind: 'user', id: 'oncall' } }));

    const unknown = await agentos('agents', 'spawn', 'nonesuch');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^agentos: spawn refused: .*nonesuch.*(researcher|summariser)/);
  }, 60_000);
});
