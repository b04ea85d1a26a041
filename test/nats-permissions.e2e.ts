import { STEP_LEDGER_BUCKET, type AgentDefinition } from '@agentos/agent-sdk';
import { CATALOG, createMessage, newId, type Envelope, type MessageOf } from '@agentos/contracts';
import { JetStreamClientProxy, MessagePublisher, inboxPrefixFor } from '@agentos/messaging';
import { SERVICE_ROLES, USER_ROLES, agentPrincipal, agentUser, userPrincipal, freePort, inboxOf, natsPrincipals, readStoredMessages, startNatsServer, waitFor, type NatsServerHandle, type ServiceName } from '@agentos/testing';
import { parseWorkflowDocument } from '@agentos/workflow';
import type { Type } from '@nestjs/common';
import { PATTERN_EXTRAS_METADATA, PATTERN_HANDLER_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants';
import { AckPolicy, connect, jwtAuthenticator } from 'nats';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { researcher } from '../apps/demo-agent/src/researcher.agent';
import { reviewer } from '../apps/demo-agent/src/reviewer.agent';
import { summariser } from '../apps/demo-agent/src/summariser.agent';
import { cliRunner } from './cli-runner';
import { principalConnections } from './principal-connections';
import { SERVICES, startSystem, type RunningSystem } from './system';

const TEXT = 'AgentOS schedules agents and records every decision. Replays make incidents legible. Nothing is lost.';
const PERMISSION_DENIED = /permissions violation/i;
const AGENTS = [summariser, researcher, reviewer] as AgentDefinition<never, unknown>[];

/**
 * The message types a service's Nest handlers take, read from their decorators (@EventPattern, @MessagePattern),
 * and whether each of its instances reads them all (`{ everyInstance: true }`, or `{ view: true }`).
 */
function handledTypes(module: Type<unknown>): { type: string; everyInstance: boolean }[] {
  const controllers = (Reflect.getMetadata('controllers', module) ?? []) as Type<unknown>[];
  return controllers.flatMap((controller) =>
    Object.values(Object.getOwnPropertyDescriptors(controller.prototype)).flatMap(({ value: handler }) => {
      if (typeof handler !== 'function' || !Reflect.hasMetadata(PATTERN_HANDLER_METADATA, handler)) return [];
      const extras = Reflect.getMetadata(PATTERN_EXTRAS_METADATA, handler) as { everyInstance?: boolean; view?: boolean } | undefined;
      const everyInstance = extras?.everyInstance === true || extras?.view === true;
      return ((Reflect.getMetadata(PATTERN_METADATA, handler) ?? []) as string[]).map((type) => ({ type, everyInstance }));
    }),
  );
}

/** Ends with the error nats.js closes a refused subscription with, or undefined if it ended cleanly. */
async function refusal(subscription: AsyncIterable<unknown>): Promise<Error | undefined> {
  try {
    for await (const message of subscription) void message;
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

/** Queries answered outside Nest's handlers: the orchestrator answers HandleRunMessage per partition it owns (run-partitions.ts). */
const ANSWERED_BY_HAND: Partial<Record<ServiceName, string[]>> = { orchestrator: ['HandleRunMessage'] };

describe('the NATS permission table (libs/identity/src/nats-permissions.ts)', () => {
  it.each(SERVICES.map((s) => [s.name, s.module] as const))('grants %s the consumers and queries of its handlers, no more', (name, module) => {
    const role = SERVICE_ROLES[name as ServiceName];
    const handled = handledTypes(module as Type<unknown>);
    const isQuery = (type: string) => CATALOG[type as keyof typeof CATALOG].kind === 'query';
    const types = (keep: (h: { type: string; everyInstance: boolean }) => boolean) => handled.filter(keep).map((h) => h.type).sort();
    expect({ consumes: types((h) => !isQuery(h.type) && !h.everyInstance), observes: types((h) => !isQuery(h.type) && h.everyInstance), answers: [...types((h) => isQuery(h.type)), ...(ANSWERED_BY_HAND[name as ServiceName] ?? [])].sort() }).toEqual({
      consumes: [...role.consumes].sort(),
      observes: [...(role.observes ?? [])].sort(),
      answers: [...role.answers].sort(),
    });
  });

  it('lets operators, and no submitter, approver, auditor or agent, cancel, pause, resume, retry or reset a run or manage schedules; submitters and operators signal; agents hear cancellations', () => {
    const control = ['CancelRun', 'PauseRuns', 'ResumeRuns', 'RetryRun', 'ResetRun', 'CreateSchedule', 'PauseSchedule', 'ResumeSchedule', 'DeleteSchedule'] as const;
    const mayPublish = (permissions: { publish: string[] }, type: (typeof control)[number] | 'SignalRun') => permissions.publish.some((p) => p.startsWith(`${CATALOG[type].subject}.`));
    for (const role of USER_ROLES) {
      const { permissions } = userPrincipal('pat', role, 'acme');
      expect([role, control.filter((type) => mayPublish(permissions, type))]).toEqual([role, role === 'operator' ? [...control] : []]);
    }
    // A signal is input to a run (a wait step's), which the person who started it gives.
    const signalling = USER_ROLES.filter((role) => mayPublish(userPrincipal('pat', role, 'acme').permissions, 'SignalRun'));
    expect(signalling).toEqual(['submitter', 'operator']);
    const agent = agentPrincipal('summariser', 'acme').permissions;
    expect([...control, 'SignalRun' as const].filter((type) => mayPublish(agent, type))).toEqual([]);
    expect(agent.subscribe).toEqual(expect.arrayContaining([`${CATALOG.RunCancellationStarted.subject}.acme.*`, `${CATALOG.RunCancellationStarted.subject}.system.*`]));
    // A tenant's operator sends them only as itself, in its own tenant.
    expect(userPrincipal('pat', 'operator', 'acme').permissions.publish).toContain(`${CATALOG.CancelRun.subject}.acme.user-pat`);
  });

  it("lets each user receive on the inbox prefix its connections use", () => {
    for (const { user, permissions } of natsPrincipals()) {
      expect([user, inboxPrefixFor(user)]).toEqual([user, inboxOf(user)]);
      if (user !== 'admin') expect(permissions.subscribe).toContain(`${inboxOf(user)}.>`);
    }
  });
});

/**
 * NATS security: every service and agent connects as its own user, a JWT limited to its subjects
 * (libs/identity). The whole system runs on those users; an agent that reaches for a
 * privileged subject, or for another agent's work, is refused by the server itself.
 */
describe('NATS users and permissions, against a real nats-server', () => {
  let nats: NatsServerHandle;
  let monitor: number;
  let system: RunningSystem;
  const principals = principalConnections(() => nats);
  const as = principals.as;
  const operator = { tenant: 'system', actor: { kind: 'user' as const, id: 'cli' } };
  const killSwitches = () => system.client.query(createMessage('ListKillSwitches', {}, system.origin));

  beforeAll(async () => {
    monitor = await freePort();
    nats = await startNatsServer({ auth: true, args: ['-m', String(monitor)] });
    system = await startSystem([], { nats, auth: nats.credentials, agents: AGENTS });
  });

  afterAll(async () => {
    await principals.closeAll();
    await system?.stop();
  }, 60_000);

  it('runs an intent end to end with every principal on its own user, and nothing refused', async () => {
    const { events } = await system.submit('summarise', { text: TEXT });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['IntentSubmitted', 'PolicyDecided', 'TaskAssigned', 'TaskCompleted', 'IntentCompleted']));
    expect(events.at(-1)).toMatchObject({ type: 'IntentCompleted', payload: { output: { summary: 'AgentOS schedules agents and records every decision.' } } });
    // The agent wrote memory (memory asked policy; both answered on the asker's own inbox) and observability counted it.
    const intentId = (events[0] as MessageOf<'IntentSubmitted'>).payload.intentId;
    const memory = await system.client.query(createMessage('GetMemory', { scope: 'workflow', scopeId: intentId, key: 'summary' }, system.origin));
    expect(memory).toMatchObject({ found: true, provenance: { writtenBy: 'agent:summariser@1.0.0' } });
    await waitFor(() => system.client.query(createMessage('GetMetrics', {}, system.origin)), (m) => m.intents.completed >= 1, { what: 'observability to count the intent' });
    // The table is sufficient: nothing any principal did on the way was refused.
    expect(nats.violations()).toEqual([]);
  });

  it('connects every service and agent as its own user, the harness as admin, each on its own inbox', async () => {
    // A JWT user is authorised by its public key; `name_tag` is its JWT's name, the principal's user.
    const connz = (await (await fetch(`http://127.0.0.1:${monitor}/connz?auth=true&subs=1`)).json()) as { connections: { name: string; name_tag: string; subscriptions_list?: string[] }[] };
    // (After a run: the harness' reader connects on first use.)
    const users = Object.fromEntries(connz.connections.map((c) => [c.name, c.name_tag]));
    expect(users).toEqual({
      ...Object.fromEntries(SERVICES.map((s) => [s.name, s.name])),
      ...Object.fromEntries(AGENTS.map((a) => [agentUser(a.name), agentUser(a.name)])),
      'e2e-client': 'admin',
      'e2e-reader': 'admin',
    });
    for (const { name_tag: user, subscriptions_list: subjects = [] } of connz.connections) {
      expect(subjects.filter((s) => s.startsWith('_INBOX.') && !s.startsWith(`_INBOX.${user}.`))).toEqual([]);
    }
  });

  it('runs a three-agent workflow sent by the CLI operator, each agent on its own user', async () => {
    const cli = new JetStreamClientProxy(as('cli'));
    const workflowId = newId();
    const definition = parseWorkflowDocument(readFileSync(join(__dirname, '../examples/research-report.yaml'), 'utf8'), 'research-report.yaml');
    await cli.publishMessage(createMessage('RunWorkflow', { workflowId, definition, input: { topic: 'tidal power' } }, { ...operator, tenant: 'acme' }));
    const settled = (events: Envelope[]) => events.some((e) => ['WorkflowCompleted', 'WorkflowFailed', 'WorkflowRejected'].includes(e.type));
    const events = await waitFor(() => system.history(workflowId), settled, { what: 'the research report', timeoutMs: 30_000 });
    expect(events.at(-1)?.type).toBe('WorkflowCompleted');
    const assigned = events.filter((e) => e.type === 'TaskAssigned').map((e) => (e as MessageOf<'TaskAssigned'>).payload.agent);
    expect(assigned).toEqual(['researcher', 'summariser', 'reviewer']);
    expect(nats.violations()).toEqual([]);
  });

  it("refuses a connection without credentials, and one with a user's JWT but another key", async () => {
    await expect(connect({ servers: nats.url, reconnect: false })).rejects.toThrow(/authorization violation/i);
    const [summariserJwt] = /eyJ[^\s]+/.exec(readFileSync(as(agentUser('summariser')).settings.creds as string, 'utf8')) ?? [];
    const wrongSeed = /^SU[A-Z2-7]+$/m.exec(readFileSync(as('agent-researcher').settings.creds as string, 'utf8'))?.[0];
    const stolen = jwtAuthenticator(summariserJwt as string, new TextEncoder().encode(wrongSeed));
    await expect(connect({ servers: nats.url, authenticator: stolen, reconnect: false })).rejects.toThrow(/authorization violation/i);
  });

  it('refuses the summariser agent publishing the kill switch', async () => {
    const rogue = new MessagePublisher(as(agentUser('summariser')));
    const command = createMessage('ActivateKillSwitch', { scope: 'global', target: '*', reason: 'an agent trying to stop everyone' }, { tenant: 'system', actor: { kind: 'agent', id: 'summariser@1.0.0' } });
    const refused = await rogue.publish(command).then(() => undefined, (error: Error) => error);
    expect(refused?.message).toMatch(PERMISSION_DENIED);
    expect(refused?.message).toContain('"agentos.cmd.kill-switch.activate.system.agent-summariser"');
    // Nor the fact itself, which only policy may state.
    const fact = await rogue.publish(createMessage('KillSwitchActivated', command.payload, { tenant: 'system', actor: command.actor })).then(() => undefined, (error: Error) => error);
    expect(fact?.message).toMatch(PERMISSION_DENIED);
    // Nothing reached the command stream, and no switch is in force.
    const commands = await readStoredMessages<{ id: string }>(await as('admin').manager$(), 'AGENTOS_COMMANDS');
    expect(commands.map((c) => c.id)).not.toContain(command.id);
    expect((await killSwitches()).switches).toEqual([]);
  });

  it("refuses the summariser agent reading another agent's tasks, other users' replies, or the whole bus", async () => {
    const connector = as(agentUser('summariser'));
    const nc = await connector.connection$();
    // A plain subscription: the server refuses it and nats.js ends the subscription with the error.
    expect((await refusal(nc.subscribe('agentos.task.researcher.>')))?.message).toMatch(PERMISSION_DENIED);
    // A JetStream consumer on the researcher's task subjects: the consumer API refuses it.
    const jsm = await connector.manager$();
    const stolen = await jsm.consumers.add('AGENTOS_TASKS', { durable_name: 'steal', filter_subject: 'agentos.task.researcher.>', ack_policy: AckPolicy.Explicit }).then(() => undefined, (error: Error) => error);
    expect(stolen?.message).toMatch(PERMISSION_DENIED);
    for (const subject of ['_INBOX.>', `_INBOX.${agentUser('researcher')}.>`, '_INBOX.memory.>', 'agentos.>', 'agentos.evt.>']) {
      expect([subject, (await refusal(nc.subscribe(subject)))?.message]).toEqual([subject, expect.stringMatching(PERMISSION_DENIED)]);
    }
  });

  it('refuses the summariser agent assigning tasks, to another agent or to itself', async () => {
    const rogue = new MessagePublisher(as(agentUser('summariser')));
    const origin = { tenant: 'globex', actor: { kind: 'agent' as const, id: 'summariser@1.0.0' } };
    const task = { taskId: newId(), intentId: newId(), agent: 'researcher', agentVersion: '1.0.0', instanceId: 'e2e-researcher', input: { topic: 'payroll' } };
    for (const payload of [task, { ...task, agent: 'summariser', instanceId: 'e2e-summariser' }]) {
      const refused = await rogue.publish(createMessage('TaskAssigned', payload, origin)).then(() => undefined, (error: Error) => error);
      expect(refused?.message).toMatch(PERMISSION_DENIED);
      expect(refused?.message).toContain(`"agentos.task.${payload.agent}.${payload.instanceId}.globex.agent-summariser"`);
    }
    // Nor heartbeat for another agent.
    const beat = createMessage('AgentHeartbeatSent', { name: 'researcher', version: '1.0.0', instanceId: 'e2e-researcher', inFlight: 0, concurrency: 1 }, origin);
    expect((await rogue.publish(beat).then(() => undefined, (error: Error) => error))?.message).toMatch(PERMISSION_DENIED);
  });

  it("refuses the summariser agent reading or settling another agent's steps in the step ledger", async () => {
    const ledger = await as(agentUser('summariser')).kv(STEP_LEDGER_BUCKET);
    const researcherStep = `researcher.${newId()}.main`;
    const forged = await ledger.put(researcherStep, JSON.stringify({ state: 'settled', attempt: 1, owner: 'rogue', outcome: { type: 'TaskCompleted', output: {}, calls: [] } })).then(() => undefined, (error: Error) => error);
    expect(forged?.message).toMatch(PERMISSION_DENIED);
    const peeked = await ledger.get(researcherStep).then(() => undefined, (error: Error) => error);
    expect(peeked?.message).toMatch(PERMISSION_DENIED);
    // Its own steps it may keep.
    const own = `summariser.${newId()}.main`;
    await ledger.create(own, JSON.stringify({ state: 'running', attempt: 1, owner: 'e2e' }));
    expect((await ledger.get(own))?.json()).toMatchObject({ state: 'running' });
  });

  it('lets the CLI operator throw and release a kill switch', async () => {
    const cli = new JetStreamClientProxy(as('cli'));
    const receipt = await cli.publishMessage(createMessage('ActivateKillSwitch', { scope: 'tenant', target: 'globex', reason: 'incident 42' }, operator));
    expect(receipt).toMatchObject({ stream: 'AGENTOS_COMMANDS', duplicate: false });
    // Policy (its own user) put it in force; the CLI's query is answered on the CLI's inbox.
    const listed = await waitFor(() => cli.query(createMessage('ListKillSwitches', {}, operator)), (r) => r.switches.length === 1, { what: 'the kill switch in force' });
    expect(listed.switches[0]).toMatchObject({ scope: 'tenant', target: 'globex', activatedBy: 'user:cli' });
    await cli.publishMessage(createMessage('ReleaseKillSwitch', { scope: 'tenant', target: 'globex', reason: 'resolved' }, operator));
    await waitFor(killSwitches, (r) => r.switches.length === 0, { what: 'the kill switch released' });
    // Refused: only what the rogue agent tried above. Every principal of the system got what it needed.
    const refusedUsers = new Set(nats.violations().map((line) => /User "([^"]+)"/.exec(line)?.[1] ?? line));
    expect([...refusedUsers]).toEqual([agentUser('summariser')]);
  });

  it('lets the CLI operator see every replica and each consumer\'s lag (agentos cluster); a service writes only its own replicas\' entries', async () => {
    const agentos = cliRunner(() => ({ NATS_URL: nats.url, NATS_CREDS: nats.credentials!.cli.creds, AGENTOS_CONFIG: join(mkdtempSync(join(tmpdir(), 'agentos-cluster-')), 'none.json') }));
    type View = { replicas: { service: string; state: string }[]; consumers: { owner: string }[] };
    const view = async () => {
      const { code, stdout, stderr } = await agentos('cluster', '--json');
      expect([code, stderr]).toEqual([0, '']);
      return JSON.parse(stdout.split('\n')[0]) as View;
    };
    const shown = await waitFor(view, (v) => v.replicas.length === SERVICES.length, { what: 'every service in agentos cluster' });
    expect(shown.replicas.map((r) => `${r.service}:${r.state}`).sort()).toEqual(SERVICES.map((s) => `${s.name}:active`).sort());
    // Every consumer is named after its service or agent (memory answers queries only: it has none).
    expect(new Set(shown.consumers.map((c) => c.owner))).toEqual(new Set([...SERVICES.map((s) => s.name).filter((name) => name !== 'memory'), ...AGENTS.map((a) => agentUser(a.name))]));
    const forged = await (await as('memory').kv('agentos_replicas')).put('orchestrator.impostor', '{}').then(() => undefined, (error: Error) => error);
    expect(forged?.message).toMatch(PERMISSION_DENIED);
  });
});
