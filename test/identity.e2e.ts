import { CATALOG, createMessage, newId, principalOf, routingSubjectOf, type Actor, type AnyMessage, type MessageOf, type MessageType, type PayloadInput } from '@agentos/contracts';
import { MessagePublisher, NatsConnector, type QueryReply } from '@agentos/messaging';
import { DEMO_AGENTS, agentPrincipal, agentUser, readStoredMessages, startNatsServer, userPrincipal, waitFor, type NatsServerHandle } from '@agentos/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliRunner } from './cli-runner';
import { startSystem, type RunningSystem } from './system';

/**
 * Identity comes from the broker: a principal may publish only under its own tenant and principal tokens, and every
 * consumer refuses an envelope that names anyone else. Here the least-privileged principal, agent `spy` of tenant
 * acme, tries to act as tenant globex, as a person, as another agent and as a service, on every subject it may
 * publish on; each attempt is refused with a dead letter naming the mismatch, and nothing is applied.
 */
const SPY = agentPrincipal('spy', 'acme');
const spyActor: Actor = { kind: 'agent', id: 'spy@1.0.0' };
const PERMISSION_DENIED = /permissions violation/i;

/** Who the spy claims to be, in the envelope, while the broker knows it as acme's agent-spy. */
const CLAIMS: { what: string; tenant: string; actor: Actor }[] = [
  { what: 'tenant globex', tenant: 'globex', actor: spyActor },
  { what: 'a user of acme', tenant: 'acme', actor: { kind: 'user', id: 'alice' } },
  { what: 'another agent', tenant: 'acme', actor: { kind: 'agent', id: 'summariser@1.0.0' } },
  { what: 'a service', tenant: 'acme', actor: { kind: 'service', id: 'orchestrator' } },
];

/** What an agent may send (its NATS permissions), each with a payload that would change something if accepted. */
const runId = newId();
const taskId = newId();
const SENDABLE: { [T in MessageType]?: PayloadInput<T> } = {
  RegisterAgent: { name: 'spy', version: '1.0.0', owner: 'acme', capabilities: ['espionage'], instanceId: 'spy-1' },
  AgentHeartbeatSent: { name: 'spy', version: '1.0.0', instanceId: 'spy-1', inFlight: 0, concurrency: 1 },
  DeregisterAgent: { name: 'spy', version: '1.0.0', instanceId: 'spy-1', reason: 'leaving' },
  TaskCompleted: { taskId, intentId: runId, agent: 'spy', agentVersion: '1.0.0', instanceId: 'spy-1', output: { stolen: true }, usage: { tokens: 1_000_000, cost: 1_000, steps: 1 } },
  TaskFailed: { taskId, intentId: runId, agent: 'spy', agentVersion: '1.0.0', instanceId: 'spy-1', error: 'sabotage', retryable: false },
  UsageRecorded: { intentId: runId, taskId, agent: 'spy', tokens: 1_000_000, cost: 1_000 },
};

describe('identity bound to credentials, against a real nats-server with auth on', () => {
  let nats: NatsServerHandle;
  let system: RunningSystem;
  let spy: NatsConnector;
  let spyBus: MessagePublisher;
  let admin: NatsConnector;

  beforeAll(async () => {
    nats = await startNatsServer({ auth: { agents: DEMO_AGENTS, principals: [SPY, userPrincipal('bob', 'submitter', 'globex')] } });
    system = await startSystem([], { nats, auth: nats.credentials });
    spy = new NatsConnector({ servers: nats.url, name: 'spy', ...nats.credentials![agentUser('spy')] });
    spyBus = new MessagePublisher(spy);
    admin = new NatsConnector({ servers: nats.url, name: 'identity-admin', ...nats.credentials!.admin });
    // globex keeps a secret in its tenant memory (written by the platform's admin connection in bob's name).
    const bob = { tenant: 'globex', actor: { kind: 'user' as const, id: 'bob' } };
    await system.client.query(createMessage('WriteMemory', { scope: 'tenant', scopeId: 'globex', key: 'plans', value: 'globex launches in May' }, bob));
  });

  afterAll(async () => {
    await spy?.close();
    await admin?.close();
    await system?.stop();
  }, 60_000);

  const deadLetters = async () => readStoredMessages<MessageOf<'MessageDeadLettered'>>(await admin.manager$(), 'AGENTOS_DEAD_LETTERS');

  it('refuses at the broker a message sent under another tenant or principal token', async () => {
    const asGlobex = createMessage('GetMemory', { scope: 'tenant', scopeId: 'globex', key: 'plans' }, { tenant: 'globex', actor: spyActor });
    await expect(spyBus.request(asGlobex, 2_000)).rejects.toThrow(/permissions violation|timeout/i);
    const asUser = createMessage('SubmitIntent', { intentId: newId(), goal: 'g', capability: 'summarise' }, { tenant: 'acme', actor: { kind: 'user', id: 'alice' } });
    await expect(spyBus.publish(asUser)).rejects.toThrow(PERMISSION_DENIED);
  });

  it.each(CLAIMS)('refuses every query the agent may ask when its envelope claims $what, with a dead letter naming the mismatch', async ({ tenant, actor }) => {
    const nc = await spy.connection$();
    const queries = SPY.permissions.publish.filter((subject) => subject.startsWith('agentos.query.'));
    expect(queries.length).toBeGreaterThanOrEqual(8);
    for (const allowed of queries) {
      const type = (Object.keys(CATALOG) as MessageType[]).find((t) => CATALOG[t].kind === 'query' && allowed.startsWith(`${CATALOG[t].subject}.`))!;
      // The envelope of a real query of that type, re-addressed to the spy's own sender tokens.
      const claimed = queryFixture(type, tenant, actor);
      const subject = `${routingSubjectOf(claimed)}.acme.${SPY.principal}`;
      const reply = JSON.parse(Buffer.from((await nc.request(subject, Buffer.from(JSON.stringify(claimed)), { timeout: 5_000 })).data).toString()) as QueryReply;
      expect([type, reply]).toEqual([type, { ok: false, error: expect.stringMatching(/^refused: .*but was sent (as tenant|by principal)/) }]);
      const letter = await waitFor(deadLetters, (letters) => letters.some((l) => l.causationId === claimed.id), { what: `the dead letter of the forged ${type}` });
      expect(letter.find((l) => l.causationId === claimed.id)?.payload.error).toMatch(tenant !== 'acme' ? /tenant "globex" but was sent as tenant "acme"/ : /but was sent by principal "agent-spy"/);
    }
  });

  it.each(CLAIMS)('dead-letters every message the agent may publish when its envelope claims $what, and applies none', async ({ tenant, actor }) => {
    const js = await spy.jetstream();
    const forged: AnyMessage[] = [];
    for (const [type, payload] of Object.entries(SENDABLE) as [MessageType, never][]) {
      const message = createMessage(type, payload, { tenant, actor }) as AnyMessage;
      // Published raw on the spy's own subject: the broker lets it through, the consumers must refuse it.
      await js.publish(`${routingSubjectOf(message)}.acme.${principalOf(spyActor)}`, Buffer.from(JSON.stringify(message)), { msgID: message.id });
      forged.push(message);
    }
    const letters = await waitFor(deadLetters, (all) => forged.every((m) => all.some((l) => l.causationId === m.id)), { what: 'a dead letter for every forged message' });
    for (const message of forged) {
      const theirs = letters.filter((l) => l.causationId === message.id);
      for (const letter of theirs) expect([message.type, letter.payload.reason, letter.payload.error]).toEqual([message.type, 'invalid-message', expect.stringMatching(/but was sent (as tenant|by principal)/)]);
    }
    // Nothing was applied: no spy registered, nothing recorded for the run, no budget counted.
    expect((await system.client.query(createMessage('FindAgents', { name: 'spy', includeDown: true }, system.origin))).agents).toEqual([]);
    expect(await system.history(runId)).toEqual([]);
  });

  it("does not let the agent read another tenant's memory, even by asking in its own tenant for globex's scope", async () => {
    // Honest envelope, own tenant: the memory service answers from acme's memory, where globex's plans are not.
    const own = await spyBus.request(createMessage('GetMemory', { scope: 'tenant', scopeId: 'globex', key: 'plans' }, { tenant: 'acme', actor: spyActor }));
    expect(own).toEqual({ found: false });
    // The secret is still there for globex.
    const theirs = await system.client.query(createMessage('GetMemory', { scope: 'tenant', scopeId: 'globex', key: 'plans' }, { tenant: 'globex', actor: { kind: 'user', id: 'bob' } }));
    expect(theirs).toMatchObject({ found: true, value: 'globex launches in May' });
  });

  it("lets a tenant's submitter follow its run with the CLI, hearing only its tenant's facts", async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'agentos-identity-')), 'intent.yaml');
    writeFileSync(file, 'goal: summarise for globex\ncapability: summarise\ninput: { text: Alpha. Beta. }\n');
    const bobCli = cliRunner(() => ({ NATS_URL: nats.url, NATS_CREDS: nats.credentials!.bob.creds as string, AGENTOS_TENANT: 'globex' }));
    const followed = await bobCli('submit', file);
    expect(followed).toMatchObject({ code: 0, stdout: expect.stringMatching(/IntentCompleted/) });
    expect(followed.stdout).toMatch(/TaskAssigned/);
    expect(nats.violations().filter((line) => line.includes('"bob"'))).toEqual([]);
  });

  it("lets a tenant's submitter act in its own tenant only", async () => {
    const bob = new NatsConnector({ servers: nats.url, name: 'bob', ...nats.credentials!.bob });
    try {
      const bus = new MessagePublisher(bob);
      const origin = { tenant: 'globex', actor: { kind: 'user' as const, id: 'bob' } };
      const intentId = newId();
      await bus.publish(createMessage('SubmitIntent', { intentId, goal: 'summarise for globex', capability: 'summarise', input: { text: 'One. Two.' } }, origin));
      const events = await waitFor(() => system.history(intentId), (e) => e.some((x) => x.type === 'IntentCompleted'), { what: "bob's intent to complete" });
      expect(events.every((event) => event.tenant === 'globex')).toBe(true);
      await expect(bus.publish(createMessage('SubmitIntent', { intentId: newId(), goal: 'g', capability: 'summarise' }, { ...origin, tenant: 'acme' }))).rejects.toThrow(PERMISSION_DENIED);
      await expect(bus.publish(createMessage('ActivateKillSwitch', { scope: 'tenant', target: 'acme', reason: 'x' }, origin))).rejects.toThrow(PERMISSION_DENIED);
    } finally {
      await bob.close();
    }
  });
});

/** A valid query of a type, in someone's name. */
function queryFixture(type: MessageType, tenant: string, actor: Actor): AnyMessage {
  const payloads: Partial<Record<MessageType, unknown>> = {
    ListKillSwitches: {},
    ScreenContent: { origin: 'user_input', source: 'input.text', text: 'hello' },
    ScreenInput: { intentId: newId(), input: { text: 'hello' } },
    CheckPolicy: { requestId: newId(), action: 'tool.call', subject: {}, resource: { kind: 'tool', name: 'x' }, context: {} },
    IsFeatureEnabled: { feature: 'x' },
    WriteMemory: { scope: 'tenant', scopeId: 'globex', key: 'plans', value: 'overwritten' },
    DeleteMemory: { scope: 'tenant', scopeId: 'globex', key: 'plans' },
    GetMemory: { scope: 'tenant', scopeId: 'globex', key: 'plans' },
    ListMemory: { scope: 'tenant', scopeId: 'globex' },
    AppendNote: { scope: 'tenant', scopeId: 'globex', text: 'planted' },
    SearchNotes: { scope: 'tenant', scopeId: 'globex', query: 'plans' },
    GetCallApproval: { intentId: newId(), approvalId: newId() },
  };
  if (!(type in payloads)) throw new Error(`no fixture for query ${type}`);
  return createMessage(type, payloads[type] as never, { tenant, actor }) as AnyMessage;
}
