import { createMessage } from '@agentos/contracts';
import { newAccessTokenEntry, type AccessPrincipal } from '@agentos/identity';
import { waitFor } from '@agentos/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayClient } from './gateway-client';
import { startSystem, type RunningSystem } from './system';

const PEOPLE: AccessPrincipal[] = [
  { name: 'root', tenant: 'system', role: 'operator' },
  { name: 'olga', tenant: 'acme', role: 'operator' },
];

/**
 * Issue 18: `POST /v1/agents/{name}/spawn|terminate` drive the orchestrator's supervisor (real agent processes from
 * deploy/agents/templates.yaml), as the CLI's do in test/supervisor.e2e.ts. NATS runs without auth here, as there: a
 * spawned process inherits the orchestrator's creds unless its template names its own (README, known gaps).
 */
describe('the gateway spawns and terminates supervised agent processes', () => {
  let system: RunningSystem;
  let call: ReturnType<typeof gatewayClient>;
  const tokens: Record<string, string> = {};
  const liveReviewers = async () => (await system.client.query(createMessage('FindAgents', { name: 'reviewer' }, system.origin))).agents.map((a) => a.instanceId);

  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'agentos-gateway-agents-')), 'tokens.json');
    const entries = PEOPLE.map((person) => {
      const { token, entry } = newAccessTokenEntry(person);
      tokens[person.name] = token;
      return entry;
    });
    writeFileSync(file, JSON.stringify({ tokens: entries }));
    system = await startSystem([], { gateway: () => ({ AGENTOS_GATEWAY_TOKENS_FILE: file }) });
    call = gatewayClient(system.gateway!.url);
  }, 60_000);

  afterAll(async () => {
    await system?.stop(); // stopping the orchestrator stops what it supervises
  }, 60_000);

  it("spawns a template's process as a platform operator, refuses a tenant's operator, and terminates every instance of the agent", async () => {
    expect((await call('POST', '/v1/agents/reviewer/spawn', { token: tokens.olga, body: { count: 1 } })).status).toBe(403);
    expect(await liveReviewers()).toEqual([]);
    const spawned = await call('POST', '/v1/agents/reviewer/spawn', { token: tokens.root, body: { count: 1 } });
    expect(spawned).toMatchObject({ status: 202, body: { sent: 'SpawnAgent' } });
    const [instanceId] = await waitFor(liveReviewers, (live) => live.length === 1, { what: 'the spawned reviewer to register', timeoutMs: 30_000 });

    expect((await call('POST', '/v1/agents/reviewer/terminate', { token: tokens.olga, body: {} })).status).toBe(403);
    const terminated = await call('POST', '/v1/agents/reviewer/terminate', { token: tokens.root, body: { reason: 'scaling down' } });
    expect(terminated).toMatchObject({ status: 202, body: { sent: 'TerminateAgent', messageIds: [expect.any(String)] } });
    await waitFor(liveReviewers, (live) => !live.includes(instanceId), { what: 'the terminated reviewer to leave', timeoutMs: 20_000 });
    expect((await call('POST', '/v1/agents/reviewer/terminate', { token: tokens.root, body: {} })).status).toBe(404);
  }, 90_000);
});
