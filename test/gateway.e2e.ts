import { defineAgent } from '@agentos/agent-sdk';
import { newAccessTokenEntry } from '@agentos/identity';
import type { NatsConnector } from '@agentos/messaging';
import { userPrincipal, waitFor } from '@agentos/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { GatewayPrincipal } from '../apps/gateway/src/access/gateway-tokens';
import type { RunningGateway } from '../apps/gateway/src/start-gateway';
import { validateOpenApi } from './esm-validators';
import { gatewayClient, readEvents, type Reply } from './gateway-client';
import { startSystem, type RunningSystem } from './system';

const POLICY = `
version: gateway-e2e-1
rules:
  - { id: initech-needs-sign-off, effect: require_approval, actions: [intent.submit], tenants: [initech], resources: [summarise], reason: initech summaries need a manager }
  - { id: allow-intents, effect: allow, actions: [intent.submit], reason: the rest }
  - { id: allow-memory, effect: allow, actions: [memory.read, memory.write], reason: shared }
  - { id: allow-spawn, effect: allow, actions: [agent.spawn], reason: operators }
`;

/** Holds its task until cancelled: a run that stays running until the gateway cancels it. */
const sleeper = defineAgent({
  name: 'sleeper',
  version: '1.0.0',
  owner: 'e2e',
  capabilities: ['sleep'],
  input: z.object({}).passthrough(),
  async handle(_input, ctx) {
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
    return { slept: true };
  },
});

/** Each token acts as a NATS principal issued on the running server: the gateway connects with its creds. */
const PEOPLE: { name: string; tenant: string; role: GatewayPrincipal['role'] }[] = [
  { name: 'alice', tenant: 'acme', role: 'submitter' },
  { name: 'ann', tenant: 'acme', role: 'auditor' },
  { name: 'olga', tenant: 'acme', role: 'operator' },
  { name: 'ivan', tenant: 'initech', role: 'submitter' },
  { name: 'mia', tenant: 'initech', role: 'approver' },
  { name: 'gina', tenant: 'globex', role: 'approver' },
  { name: 'root', tenant: 'system', role: 'operator' },
];

const TEXT = 'The gateway speaks HTTP. Everything else speaks NATS.';
const isProblem = (reply: Reply, status: number) => {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reply.body).toMatchObject({ status, type: expect.stringMatching(/^https:\/\//), title: expect.any(String), detail: expect.any(String) });
};

describe('the HTTP gateway against the whole system, NATS with auth on', () => {
  let system: RunningSystem;
  let gateway: RunningGateway;
  let call: ReturnType<typeof gatewayClient>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentos-gateway-'));
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    system = await startSystem([sleeper as never], {
      auth: true,
      principals: PEOPLE.map((p) => userPrincipal(p.name, p.role, p.tenant)),
      env: { AGENTOS_POLICY_BUNDLE: join(dir, 'policy.yaml') },
      gateway: (credentials) => {
        const entries = PEOPLE.map((person) => {
          const { token, entry } = newAccessTokenEntry({ ...person, creds: credentials![person.name].creds });
          tokens[person.name] = token;
          return entry;
        });
        writeFileSync(join(dir, 'tokens.json'), JSON.stringify({ tokens: entries }));
        return { AGENTOS_GATEWAY_TOKENS_FILE: join(dir, 'tokens.json') };
      },
    });
    gateway = system.gateway!;
    call = gatewayClient(gateway.url);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  }, 60_000);

  const follow = (runId: string, token: string, lastEventId?: string) =>
    readEvents(`${gateway.url}/v1/runs/${runId}/events`, { authorization: `Bearer ${token}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, (event) => event.event === 'end');

  it('serves an OpenAPI 3.1 document that validates and describes every route', async () => {
    const { status, body } = await call('GET', '/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(validateOpenApi(body)).toEqual({ valid: true });
    expect(Object.keys(body.paths).sort()).toEqual(
      [
        '/v1/agents', '/v1/agents/{name}/spawn', '/v1/agents/{name}/terminate', '/v1/intents', '/v1/kill-switches', '/v1/policy', '/v1/runs', '/v1/runs/{id}',
        '/v1/runs/{id}/approve', '/v1/runs/{id}/cancel', '/v1/runs/{id}/events', '/v1/runs/{id}/reject', '/v1/runs/{id}/report', '/v1/runs/{id}/timeline', '/v1/runs/{id}/verify', '/v1/workflows',
      ].sort(),
    );
    // The request body is the contracts' SubmitIntent schema (the id optional): field for field.
    const intent = body.paths['/v1/intents'].post.requestBody.content['application/json'].schema;
    expect(intent.required.sort()).toEqual(['capability', 'goal']);
    expect(intent.properties.capability.pattern).toBe('^[a-z0-9][a-z0-9_-]{0,63}$');
  });

  it('submits an intent, follows it over SSE to its result, resumes with Last-Event-ID, and answers the replay questions', async () => {
    const submitted = await call('POST', '/v1/intents', { token: tokens.alice, body: { goal: 'summarise', capability: 'summarise', input: { text: TEXT } } });
    expect(submitted.status).toBe(202);
    const { runId } = submitted.body;
    expect(submitted.headers.get('location')).toBe(`/v1/runs/${runId}`);

    const events = await follow(runId, tokens.alice);
    const types = events.map((e) => e.event);
    expect(types).toEqual(expect.arrayContaining(['IntentSubmitted', 'PolicyDecided', 'TaskAssigned', 'IntentCompleted']));
    expect(types.at(-1)).toBe('end');
    const completed = JSON.parse(events.find((e) => e.event === 'IntentCompleted')!.data);
    expect(completed.payload.output.summary).toBe('The gateway speaks HTTP.');
    expect(completed.tenant).toBe('acme');
    // The command the orchestrator recorded as its first input names the token's principal: the broker let the gateway send it as alice only.
    const firstInput = JSON.stringify(JSON.parse(events[0].data).payload.input);
    expect(firstInput).toContain('"type":"SubmitIntent"');
    expect(firstInput).toContain('"tenant":"acme","actor":{"kind":"user","id":"alice"}');

    const resumed = await follow(runId, tokens.alice, events[1].id);
    expect(resumed[0].id).toBe(String(Number(events[1].id) + 1));
    expect(resumed.map((e) => e.event)).toEqual(types.slice(2));

    const run = await call('GET', `/v1/runs/${runId}`, { token: tokens.ann });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ id: runId, kind: 'intent', name: 'summarise', tenant: 'acme', status: 'completed', phase: 'completed', output: { summary: 'The gateway speaks HTTP.' } });
    expect(Object.values(run.body.steps)).toEqual([expect.objectContaining({ status: 'completed' })]);

    const timeline = await call('GET', `/v1/runs/${runId}/timeline`, { token: tokens.ann });
    expect(timeline.body.entries.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['IntentSubmitted', 'PolicyDecided', 'TaskAssigned', 'IntentCompleted']));
    const verify = await call('GET', `/v1/runs/${runId}/verify`, { token: tokens.ann });
    expect(verify.body.ok).toBe(true);
    // Every event the stream sent (all but `end`), and any recorded after the outcome (a late usage report).
    expect(verify.body.events).toBeGreaterThanOrEqual(events.length - 1);
    const report = await call('GET', `/v1/runs/${runId}/report`, { token: tokens.ann });
    expect(report.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(report.body).toContain(runId);
    expect(report.body).toMatch(/completed/);
    const html = await fetch(`${gateway.url}/v1/runs/${runId}/report`, { headers: { authorization: `Bearer ${tokens.ann}`, accept: 'text/html' } });
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);

    const list = await call('GET', '/v1/runs?status=completed&since=1h&limit=1', { token: tokens.alice });
    expect(list.status).toBe(200);
    expect(list.body.runs).toEqual([expect.objectContaining({ id: runId, tenant: 'acme', status: 'completed' })]);
  });

  it('runs a workflow document given as YAML text, and names a bad document’s problems by line and field', async () => {
    const yaml = 'name: one-summary\nsteps:\n  - id: sum\n    capability: summarise\n    input: { goal: "sum", text: "${input.text}" }\noutput: { summary: "${steps.sum.output.summary}" }\n';
    const started = await call('POST', '/v1/workflows', { token: tokens.alice, body: { document: yaml, input: { text: TEXT } } });
    expect(started.status).toBe(202);
    expect(started.body.kind).toBe('workflow');
    const run = await waitFor(() => call('GET', `/v1/runs/${started.body.runId}`, { token: tokens.alice }), (r) => r.body.status === 'completed', { what: 'the workflow to complete' });
    expect(run.body.output).toEqual({ summary: 'The gateway speaks HTTP.' });

    const bad = await call('POST', '/v1/workflows', { token: tokens.alice, body: { document: yaml.replace('capability: summarise', 'capability: teleport') } });
    isProblem(bad, 400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'document', message: expect.stringMatching(/document:4:\d+ .*capability.*teleport/) })]);
  });

  it('parks an intent for approval: a submitter may not approve, an approver of another tenant sees no such run, the tenant’s approver releases it', async () => {
    const submitted = await call('POST', '/v1/intents', { token: tokens.ivan, body: { goal: 'sign me off', capability: 'summarise', input: { text: TEXT } } });
    const { runId } = submitted.body;
    await waitFor(() => call('GET', `/v1/runs/${runId}`, { token: tokens.ivan }), (r) => r.body.phase === 'awaiting-approval', { what: 'the approval request' });

    isProblem(await call('POST', `/v1/runs/${runId}/approve`, { token: tokens.ivan, body: {} }), 403);
    isProblem(await call('POST', `/v1/runs/${runId}/approve`, { token: tokens.gina, body: {} }), 404);
    const approved = await call('POST', `/v1/runs/${runId}/approve`, { token: tokens.mia, body: { comment: 'fine' } });
    expect(approved.status).toBe(202);
    const events = await follow(runId, tokens.mia);
    const grant = JSON.parse(events.find((e) => e.event === 'IntentApproved')!.data);
    expect(grant.payload).toMatchObject({ approver: 'user:mia', comment: 'fine' });
    expect(events.map((e) => e.event)).toContain('IntentCompleted');
    // Settled: nothing left to approve, and nothing is sent.
    isProblem(await call('POST', `/v1/runs/${runId}/reject`, { token: tokens.mia, body: {} }), 409);
  });

  it('cancels a running run (CancelRun: its task aborted) as the tenant’s operator', async () => {
    const { body } = await call('POST', '/v1/intents', { token: tokens.alice, body: { goal: 'sleep', capability: 'sleep', input: {} } });
    await waitFor(() => call('GET', `/v1/runs/${body.runId}`, { token: tokens.olga }), (r) => Object.values(r.body.steps ?? {}).some((s) => ['assigned', 'running'].includes((s as { status: string }).status)), { what: 'the task to be assigned' });
    isProblem(await call('POST', `/v1/runs/${body.runId}/cancel`, { token: tokens.alice, body: {} }), 403);
    const cancelled = await call('POST', `/v1/runs/${body.runId}/cancel`, { token: tokens.olga, body: { reason: 'not needed' } });
    expect(cancelled.status).toBe(202);
    const run = await waitFor(() => call('GET', `/v1/runs/${body.runId}`, { token: tokens.olga }), (r) => r.body.status !== 'running', { what: 'the run to stop' });
    expect(run.body.status).toBe('cancelled');
    expect(run.body.reason).toMatch(/not needed/);
    isProblem(await call('POST', `/v1/runs/${body.runId}/cancel`, { token: tokens.olga, body: {} }), 409);
  });

  it('honours Idempotency-Key: the same request answers the first answer once, another body is a 409', async () => {
    const request = { goal: 'summarise', capability: 'summarise', input: { text: TEXT } };
    const headers = { 'idempotency-key': 'order-42' };
    const first = await call('POST', '/v1/intents', { token: tokens.alice, body: request, headers });
    const again = await call('POST', '/v1/intents', { token: tokens.alice, body: request, headers });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    isProblem(await call('POST', '/v1/intents', { token: tokens.alice, body: { ...request, goal: 'other' }, headers }), 409);
    // Another principal's key is its own.
    const ivans = await call('POST', '/v1/intents', { token: tokens.ivan, body: request, headers });
    expect(ivans.body.runId).not.toBe(first.body.runId);
    const events = await follow(first.body.runId, tokens.alice);
    expect(events.filter((e) => e.event === 'IntentSubmitted')).toHaveLength(1);
  });

  it('pages the run list with its cursor, each page in its tenant only', async () => {
    const all = (await call('GET', '/v1/runs?limit=100', { token: tokens.alice })).body;
    expect(all.next).toBeUndefined();
    expect(all.runs.length).toBeGreaterThan(2);
    const paged: string[] = [];
    let cursor: string | undefined = '0';
    while (cursor !== undefined) {
      const page: Reply = await call('GET', `/v1/runs?limit=2&cursor=${cursor}`, { token: tokens.alice });
      expect(page.body.runs.length).toBeLessThanOrEqual(2);
      paged.push(...page.body.runs.map((r: { id: string }) => r.id));
      cursor = page.body.next;
    }
    expect(paged).toEqual(all.runs.map((r: { id: string }) => r.id));
    expect(all.runs.every((r: { tenant: string }) => r.tenant === 'acme')).toBe(true);
    expect((await call('GET', '/v1/runs?limit=100', { token: tokens.gina })).body.runs.map((r: { tenant: string }) => r.tenant)).not.toContain('acme');
  });

  it('answers every refusal with problem+json and changes nothing', async () => {
    const commands = async () => (await (await system.client.unwrap<NatsConnector>().manager$()).streams.info('AGENTOS_COMMANDS')).state.messages;
    const commandsBefore = await commands();
    const acmeRun = (await call('GET', '/v1/runs?limit=1', { token: tokens.alice })).body.runs[0].id;
    const cases: [string, Promise<Reply>, number][] = [
      ['bad JSON', call('POST', '/v1/intents', { token: tokens.alice, raw: '{"goal": ' }), 400],
      ['not JSON', call('POST', '/v1/intents', { token: tokens.alice, raw: 'goal=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415],
      ['unknown run', call('GET', '/v1/runs/00000000-0000-4000-8000-000000000000', { token: tokens.alice }), 404],
      ['not a run id', call('GET', '/v1/runs/nope', { token: tokens.alice }), 400],
      ['another tenant’s run', call('GET', `/v1/runs/${acmeRun}`, { token: tokens.gina }), 404],
      ['another tenant’s events', call('GET', `/v1/runs/${acmeRun}/events`, { token: tokens.gina }), 404],
      ['another tenant’s list', call('GET', '/v1/runs?tenant=acme', { token: tokens.gina }), 403],
      ['no token', call('POST', '/v1/intents', { body: { goal: 'x', capability: 'summarise' } }), 401],
      ['a bad token', call('POST', '/v1/intents', { token: 'forged', body: { goal: 'x', capability: 'summarise' } }), 401],
      ['an auditor submitting', call('POST', '/v1/intents', { token: tokens.ann, body: { goal: 'x', capability: 'summarise' } }), 403],
      ['a tenant operator publishing policy', call('PUT', '/v1/policy', { token: tokens.olga, body: { yaml: POLICY } }), 403],
      ['a tenant operator stopping everything', call('POST', '/v1/kill-switches', { token: tokens.olga, body: { scope: 'global', target: '*', reason: 'oops' } }), 403],
      ['a bad bundle', call('PUT', '/v1/policy', { token: tokens.root, body: { yaml: 'version: 1\nrules: [{ id: x, effect: maybe }]' } }), 400],
      ['unknown route', call('GET', '/v1/nothing', { token: tokens.alice }), 404],
    ];
    for (const [what, reply, status] of cases) {
      const answer = await reply;
      try {
        isProblem(answer, status);
      } catch (error) {
        throw new Error(`${what}: ${(error as Error).message}\n${JSON.stringify(answer.body)}`);
      }
    }
    const invalid = await call('POST', '/v1/intents', { token: tokens.alice, body: { capability: 'Not A Name', input: { text: 1 }, extra: true } });
    isProblem(invalid, 400);
    expect(invalid.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['(root)', 'capability', 'goal']);
    expect(await commands()).toBe(commandsBefore);
  });

  it('lists agents, throws and releases a tenant kill switch, reads and publishes the policy bundle', async () => {
    const agents = await call('GET', '/v1/agents', { token: tokens.ann });
    expect(agents.body.agents.map((a: { name: string }) => a.name)).toEqual(expect.arrayContaining(['summariser', 'sleeper']));
    const thrown = await call('POST', '/v1/kill-switches', { token: tokens.olga, body: { scope: 'tenant', target: 'acme', reason: 'drill' } });
    expect(thrown.status).toBe(202);
    await waitFor(() => call('GET', '/v1/kill-switches', { token: tokens.ann }), (r) => r.body.switches.some((s: { target: string }) => s.target === 'acme'), { what: 'the switch' });
    expect((await call('DELETE', '/v1/kill-switches', { token: tokens.olga, body: { scope: 'tenant', target: 'acme' } })).status).toBe(202);
    await waitFor(() => call('GET', '/v1/kill-switches', { token: tokens.ann }), (r) => !r.body.switches.some((s: { target: string }) => s.target === 'acme'), { what: 'the release' });

    expect((await call('GET', '/v1/policy', { token: tokens.ann })).body.version).toBe('gateway-e2e-1');
    const applied = await call('PUT', '/v1/policy', { token: tokens.root, raw: POLICY.replace('gateway-e2e-1', 'gateway-e2e-2'), headers: { 'content-type': 'application/yaml' } });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ version: 'gateway-e2e-2', rules: 4 });
  });

  it('is live while NATS is down but not ready, and ready again once it is back', async () => {
    expect((await call('GET', '/readyz')).status).toBe(200);
    await system.nats.kill();
    await waitFor(() => call('GET', '/readyz'), (r) => r.status === 503, { what: 'readyz to fail', timeoutMs: 20_000 });
    expect((await call('GET', '/livez')).status).toBe(200);
    await system.nats.restart();
    // Every service, agent and principal reconnects at once, each with its JWT: on a loaded machine that takes seconds.
    // A probe may meet a reset keep-alive socket meanwhile: that is a failed probe, not a failed test.
    const probe = () => call('GET', '/readyz').catch(() => ({ status: 0 }));
    await waitFor(probe, (r) => r.status === 200, { what: 'readyz to recover', timeoutMs: 45_000, intervalMs: 250 });
  }, 90_000);
});
