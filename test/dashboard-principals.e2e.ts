import { createMessage, type Envelope } from '@agentos/contracts';
import { newAccessTokenEntry, userPrincipal, type AccessPrincipal } from '@agentos/identity';
import { MessagePublisher, NatsConnector } from '@agentos/messaging';
import { startNatsServer, waitFor, type NatsServerHandle } from '@agentos/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObservabilityHttp } from '../apps/observability/src/http.server';
import { startSystem, type RunningSystem } from './system';

const PEOPLE: AccessPrincipal[] = [
  { name: 'acme-ops', tenant: 'acme', role: 'operator' },
  { name: 'root', tenant: 'system', role: 'operator' },
  { name: 'ann', tenant: 'acme', role: 'auditor' },
];

/**
 * Issue 18: the dashboard's kill switch goes through the gateway's check. Its tokens are the gateway's model (a
 * person's NATS principal and creds), and a switch is sent as that principal on its own creds: NATS, not the
 * dashboard, decides what it may send, and the observability service's own user may send no command at all.
 */
describe("the dashboard's kill switch as its token's principal, NATS with auth on", () => {
  let nats: NatsServerHandle;
  let system: RunningSystem;
  let base: string;
  const tokens: Record<string, string> = {};
  const kill = (token: string, scope: string, target: string) =>
    fetch(`${base}/api/kill-switch`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ scope, target, reason: 'e2e' }) });
  const switches = async () => (await system.client.query(createMessage('ListKillSwitches', {}, system.origin))).switches;
  const activations = async (): Promise<Envelope[]> => (await system.store.readStream('kill-switches')).map((r) => r.event).filter((e) => e.type === 'KillSwitchActivated');
  const release = async (scope: 'tenant' | 'global', target: string) => {
    await system.client.publishMessage(createMessage('ReleaseKillSwitch', { scope, target, reason: 'test over' }, system.origin));
    await waitFor(switches, (s) => s.length === 0, { what: 'the release' });
  };

  beforeAll(async () => {
    nats = await startNatsServer({ auth: { principals: PEOPLE.map((p) => userPrincipal(p.name, p.role, p.tenant)) } });
    const credentials = nats.credentials!;
    // The auditor only looks, so its token needs no creds; an operator's must name its own.
    const entries = PEOPLE.map((person) => {
      const { token, entry } = newAccessTokenEntry({ ...person, ...(person.role === 'operator' ? { creds: credentials[person.name].creds } : {}) });
      tokens[person.name] = token;
      return entry;
    });
    const file = join(mkdtempSync(join(tmpdir(), 'agentos-dashboard-')), 'tokens.json');
    writeFileSync(file, JSON.stringify({ tokens: entries }));
    system = await startSystem([], { nats, auth: credentials, env: { AGENTOS_OBSERVABILITY_TOKENS_FILE: file } });
    base = `http://127.0.0.1:${system.service('observability').get(ObservabilityHttp).port}`;
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  }, 60_000);

  it("throws a tenant operator's switch for its tenant in its own name, and refuses it beyond, and an auditor's", async () => {
    expect((await kill(tokens.ann, 'tenant', 'acme')).status).toBe(403);
    expect((await kill(tokens['acme-ops'], 'global', '*')).status).toBe(403);
    expect((await kill(tokens['acme-ops'], 'tenant', 'acme')).status).toBe(202);
    const [thrown] = await waitFor(switches, (s) => s.length > 0, { what: 'the tenant kill switch' });
    expect(thrown).toMatchObject({ scope: 'tenant', target: 'acme', activatedBy: 'user:acme-ops', reason: 'e2e (dashboard token acme-ops)' });
    // Policy states the fact, in the tenant of the command it was sent.
    const [recorded] = await waitFor(activations, (events) => events.length > 0, { what: 'the activation recorded' });
    expect([recorded.tenant, recorded.payload]).toEqual(['acme', { scope: 'tenant', target: 'acme', reason: 'e2e (dashboard token acme-ops)' }]);
    await release('tenant', 'acme');
  });

  it("throws a platform operator's global switch in its own name", async () => {
    expect((await kill(tokens.root, 'global', '*')).status).toBe(202);
    const [thrown] = await waitFor(switches, (s) => s.length > 0, { what: 'the global kill switch' });
    expect(thrown).toMatchObject({ scope: 'global', target: '*', activatedBy: 'user:root' });
    await release('global', '*');
  });

  it("leaves the observability service's own NATS user no command to send", async () => {
    const connector = new NatsConnector({ servers: nats.url, name: 'e2e-as-observability', creds: nats.credentials!.observability.creds });
    const command = createMessage('ActivateKillSwitch', { scope: 'global', target: '*', reason: 'as the service' }, { tenant: 'system', actor: { kind: 'service', id: 'observability' } });
    const refused = await new MessagePublisher(connector).publish(command).then(() => undefined, (error: Error) => error);
    await connector.close();
    expect(refused?.message).toMatch(/permissions violation/i);
  });
});
