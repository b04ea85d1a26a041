import { createMessage, type ActiveKillSwitch, type Envelope } from '@agentos/contracts';
import { waitFor } from '@agentos/testing';
import { ObservabilityHttp } from '../apps/observability/src/http.server';
import { observabilityTokens } from './observability-tokens';
import { startSystem, type RunningSystem } from './system';

interface Call {
  token?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}
type FeedEvent = { event: string; data: unknown };

const killBody = (scope: string, target: string, reason = 'e2e') => JSON.stringify({ scope, target, reason });

describe('the observability HTTP surfaces against a real nats-server: tokens, tenants, cross-site requests', () => {
  const { env, tokens } = observabilityTokens([
    { name: 'ops', tenant: 'system', role: 'operator' },
    { name: 'acme-viewer', tenant: 'acme', role: 'auditor' },
    { name: 'acme-ops', tenant: 'acme', role: 'operator' },
    { name: 'globex-viewer', tenant: 'globex', role: 'auditor' },
  ]);
  let system: RunningSystem;
  let base: string;
  let acmeRun: string;
  let globexRun: string;

  const call = (path: string, { token, method = 'GET', headers = {}, body }: Call = {}) =>
    fetch(`${base}${path}`, { method, body, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  const json = async <T>(path: string, token: string) => (await (await call(path, { token })).json()) as T;
  const kill = (token: string | undefined, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => call('/api/kill-switch', { token, method: 'POST', headers, body });
  const switches = async (): Promise<ActiveKillSwitch[]> => (await system.client.query(createMessage('ListKillSwitches', {}, system.origin))).switches;
  const switchEvents = async (): Promise<Envelope[]> => (await system.store.readStream('kill-switches')).map((r) => r.event);

  /** The live feed as a token's holder gets it: the recent runs, then one round of metrics, agents and kill switches. */
  async function feedOf(token: string): Promise<FeedEvent[]> {
    const response = await call('/api/stream', { token });
    expect(response.status).toBe(200);
    const events: FeedEvent[] = [];
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const [event, data] = buffer.slice(0, end).split('\n').map((line) => line.slice(line.indexOf(': ') + 2));
        events.push({ event, data: JSON.parse(data) });
        buffer = buffer.slice(end + 2);
      }
      if (events.some((e) => e.event === 'kill-switches')) break;
    }
    return events;
  }

  beforeAll(async () => {
    system = await startSystem([], { env });
    base = `http://127.0.0.1:${system.service('observability').get(ObservabilityHttp).port}`;
    acmeRun = (await system.submit('summarise', { text: 'For acme only.' })).intentId;
    globexRun = (await system.submit('summarise', { text: 'For globex only.' }, { tenant: 'globex' })).intentId;
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
  });

  it('answers 401 without a valid token on every data and state route; health and the static page stay open', async () => {
    for (const path of ['/api/metrics', '/metrics', '/api/stream', `/api/workflows/${acmeRun}/lineage`]) {
      for (const token of [undefined, 'not-a-token']) {
        const response = await call(path, { token });
        expect([path, response.status, response.headers.get('www-authenticate')]).toEqual([path, 401, 'Bearer']);
      }
    }
    expect((await kill(undefined, killBody('global', '*'))).status).toBe(401);
    expect((await call('/healthz')).status).toBe(200);
    const page = await call('/');
    expect(page.status).toBe(200);
    expect(await page.text()).not.toMatch(/<script>|<style>| on\w+=/);
    expect(Object.fromEntries(['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy'].map((h) => [h, page.headers.get(h)]))).toEqual({
      'content-security-policy': expect.stringMatching(/script-src 'self';.*frame-ancestors 'none'/),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    });
    expect((await call('/dashboard.js')).status).toBe(200);
  });

  it("shows a tenant's viewer only its tenant's runs, metrics and lineage", async () => {
    const submitted = (token: string) => waitFor(() => json<{ intents: { submitted: number; completed: number } }>('/api/metrics', token), (m) => m.intents.completed > 0, { what: 'metrics' });
    expect((await submitted(tokens['acme-viewer'])).intents).toMatchObject({ submitted: 1, completed: 1 });
    expect((await submitted(tokens['globex-viewer'])).intents).toMatchObject({ submitted: 1, completed: 1 });
    expect((await waitFor(() => submitted(tokens.ops), (m) => m.intents.completed === 2)).intents).toMatchObject({ submitted: 2 });

    expect((await call(`/api/workflows/${acmeRun}/lineage`, { token: tokens['acme-viewer'] })).status).toBe(200);
    expect((await call(`/api/workflows/${globexRun}/lineage`, { token: tokens['acme-viewer'] })).status).toBe(404);
    expect((await call(`/api/workflows/${acmeRun}/lineage`, { token: tokens['globex-viewer'] })).status).toBe(404);
    expect((await call(`/api/workflows/${globexRun}/lineage`, { token: tokens.ops })).status).toBe(200);
    // Prometheus series cross tenants: only an all-tenant token reads them.
    expect((await call('/metrics', { token: tokens['acme-viewer'] })).status).toBe(403);
    expect((await call('/metrics', { token: tokens.ops })).status).toBe(200);

    const runsIn = (feed: FeedEvent[]) => feed.filter((e) => e.event === 'workflow').map((e) => (e.data as { id: string }).id);
    const acmeFeed = await feedOf(tokens['acme-viewer']);
    expect(runsIn(acmeFeed)).toEqual([acmeRun]);
    expect(acmeFeed.find((e) => e.event === 'metrics')?.data).toMatchObject({ intents: { submitted: 1 } });
    expect(runsIn(await feedOf(tokens['globex-viewer']))).toEqual([globexRun]);
    expect(runsIn(await feedOf(tokens.ops)).sort()).toEqual([acmeRun, globexRun].sort());
  });

  it("refuses a viewer's kill switch and a tenant operator's switch beyond its tenant; its own tenant's is thrown in its name", async () => {
    expect((await kill(tokens['acme-viewer'], killBody('tenant', 'acme'))).status).toBe(403);
    expect((await kill(tokens['acme-ops'], killBody('global', '*'))).status).toBe(403);
    expect((await kill(tokens['acme-ops'], killBody('tenant', 'globex'))).status).toBe(403);
    expect((await kill(tokens['acme-ops'], killBody('tenant', 'acme', 'acme stops itself'))).status).toBe(202);
    const [thrown] = await waitFor(switches, (s) => s.length > 0, { what: 'the tenant kill switch' });
    expect(thrown).toMatchObject({ scope: 'tenant', target: 'acme', reason: expect.stringMatching(/\(dashboard token acme-ops\)$/), activatedBy: 'user:acme-ops' });
    expect((await switchEvents()).map((e) => [e.tenant, e.payload])).toEqual([['acme', { scope: 'tenant', target: 'acme', reason: 'acme stops itself (dashboard token acme-ops)' }]]);
    // A tenant's feed shows its own switch; another tenant's does not.
    const killsIn = async (token: string) => (await feedOf(token)).find((e) => e.event === 'kill-switches')?.data;
    expect(await killsIn(tokens['acme-viewer'])).toMatchObject([{ scope: 'tenant', target: 'acme' }]);
    expect(await killsIn(tokens['globex-viewer'])).toEqual([]);

    await system.client.publishMessage(createMessage('ReleaseKillSwitch', { scope: 'tenant', target: 'acme', reason: 'test over' }, system.origin));
    await waitFor(switches, (s) => s.length === 0, { what: 'the release' });
    // The next test counts recorded switch events: wait until the release is recorded too.
    await waitFor(switchEvents, (events) => events.at(-1)?.type === 'KillSwitchReleased', { what: 'the release recorded' });
  });

  it('refuses cross-site requests, even with an operator token, and throws nothing for them', async () => {
    const before = (await switchEvents()).length;
    // What a <form enctype="text/plain"> on another site sends.
    const formPost = await kill(tokens.ops, killBody('tenant', 'cross-site-form'), { 'content-type': 'text/plain', origin: 'https://evil.example' });
    expect(formPost.status).toBe(403);
    expect((await kill(tokens.ops, killBody('tenant', 'text-plain'), { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await kill(tokens.ops, killBody('tenant', 'foreign-origin'), { 'content-type': 'application/json', origin: 'https://evil.example' })).status).toBe(403);
    expect((await kill(tokens.ops, killBody('tenant', 'null-origin'), { 'content-type': 'application/json', origin: 'null' })).status).toBe(403);

    // The server's own page, with JSON and an operator token: thrown, in the token's name, for the system.
    const own = await kill(tokens.ops, killBody('global', '*', 'stop everything'), { 'content-type': 'application/json', origin: base });
    expect(own.status).toBe(202);
    const active = await waitFor(switches, (s) => s.length > 0, { what: 'the global kill switch' });
    expect(active).toEqual([expect.objectContaining({ scope: 'global', target: '*', reason: 'stop everything (dashboard token ops)', activatedBy: 'user:ops' })]);
    // Commands are handled in order, so anything the refused requests had published would be recorded before it.
    const recorded = (await switchEvents()).slice(before);
    expect(recorded.map((e) => [e.type, e.tenant, (e.payload as { target: string }).target])).toEqual([['KillSwitchActivated', 'system', '*']]);
  });
});
