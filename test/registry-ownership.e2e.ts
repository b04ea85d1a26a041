import { createMessage, type AgentDescriptor, type Envelope, type MessageOf, type Origin, type PayloadInput } from '@agentos/contracts';
import { NatsConnector } from '@agentos/messaging';
import { readStoredMessages, waitFor } from '@agentos/testing';
import { startSystem, type RunningSystem } from './system';

type Decision = MessageOf<'AgentRegistered'> | MessageOf<'AgentRegistrationRejected'>;

const agentActor = (id: string, tenant = 'system'): Origin => ({ tenant, actor: { kind: 'agent', id } });
const user = (id: string, tenant: string): Origin => ({ tenant, actor: { kind: 'user', id } });
/** The summariser as the harness runs it: registered by its own agent actor, in tenant `system`. */
const SUMMARISER_OWNER = 'system/agent:summariser';

describe('registry: an agent name and its capabilities belong to the owner that registered them first', () => {
  let system: RunningSystem;
  let connector: NatsConnector;

  beforeAll(async () => {
    system = await startSystem();
    connector = new NatsConnector({ servers: system.nats.url, name: 'e2e-registry-ownership' });
  });

  afterAll(async () => {
    await connector.close();
    await system.stop();
  }, 60_000);

  const descriptor = (over: Partial<AgentDescriptor>): PayloadInput<'RegisterAgent'> => ({ name: 'summariser', version: '1.0.0', owner: 'demo-team', capabilities: ['summarise'], instanceId: 'e2e-other', ...over });

  /** Sends a registration as `origin` and waits for the registry's recorded decision on it. */
  async function register(origin: Origin, payload: PayloadInput<'RegisterAgent'>): Promise<Decision> {
    const command = createMessage('RegisterAgent', payload, origin);
    await system.client.publishMessage(command);
    const history = () => system.store.readStream(`agent-${payload.name}`).then((records) => records.map((r) => r.event as Decision));
    const decided = await waitFor(history, (events) => events.some((e) => e.causationId === command.id), { what: `the decision on ${payload.name}@${payload.version} from ${origin.actor.id}` });
    return decided.find((e) => e.causationId === command.id)!;
  }

  const find = (query: { name?: string; capability?: string }) =>
    system.client.query(createMessage('FindAgents', { ...query, includeDown: true }, system.origin)).then((reply) => reply.agents);

  const deadLetterFor = (message: Envelope) =>
    waitFor(
      async () => (await readStoredMessages<MessageOf<'MessageDeadLettered'>>(await connector.manager$(), 'AGENTOS_DEAD_LETTERS')).find((letter) => letter.causationId === message.id),
      (letter) => letter !== undefined,
      { what: `the dead letter of ${message.type} ${message.id}` },
    );

  it('rejects another principal registering summariser@99.0.0 with the owner conflict, and never lists it', async () => {
    const hijack = await register(user('mallory', 'acme'), descriptor({ version: '99.0.0', owner: 'demo-team', capabilities: ['research'] }));
    expect([hijack.type, hijack.payload]).toEqual([
      'AgentRegistrationRejected',
      { name: 'summariser', version: '99.0.0', owner: 'acme/user:mallory', reason: `agent name "summariser" belongs to owner "${SUMMARISER_OWNER}", not to "acme/user:mallory"` },
    ]);
    // Another agent may not register the summariser's name at all, whoever owns it.
    const impostor = await register(agentActor('researcher@1.0.0'), descriptor({ version: '99.0.0', capabilities: ['research'] }));
    expect(impostor.payload).toMatchObject({ owner: 'system/agent:researcher', reason: 'agent "researcher" may register only itself, not "summariser"' });
    // Only the harness' own instance, which records the tenant that registered it.
    expect((await find({ name: 'summariser' })).map((a) => [a.version, a.instanceId, a.tenant])).toEqual([['1.0.0', 'e2e-summariser', 'system']]);
    expect(await find({ capability: 'research' })).toEqual([]);
  });

  it("rejects another agent claiming the summariser's capability", async () => {
    const copycat = await register(agentActor('copycat@1.0.0'), descriptor({ name: 'copycat', capabilities: ['paraphrase', 'summarise'], instanceId: 'e2e-copycat' }));
    expect(copycat).toMatchObject({ type: 'AgentRegistrationRejected', payload: { reason: `capability "summarise" belongs to another owner ("${SUMMARISER_OWNER}"), not to "system/agent:copycat"` } });
    expect(await find({ name: 'copycat' })).toEqual([]);
    expect((await find({ capability: 'summarise' })).map((a) => a.name)).toEqual(['summariser']);
  });

  it('accepts a new version from the same owner; only the agent or its owner may make its instances beat or leave', async () => {
    const next = descriptor({ version: '1.1.0', instanceId: 'e2e-summariser-next' });
    const accepted = await register(agentActor('summariser@1.1.0'), next);
    expect([accepted.type, accepted.payload]).toEqual(['AgentRegistered', { ...next, concurrency: 1, tenant: 'system' }]);
    const instance = () => find({ name: 'summariser' }).then((agents) => agents.find((a) => a.instanceId === next.instanceId));
    expect(await instance()).toMatchObject({ version: '1.1.0', status: 'up' });

    const identity = { name: 'summariser', version: '1.1.0', instanceId: next.instanceId };
    const leave = createMessage('DeregisterAgent', { ...identity, reason: 'taken down by someone else' }, user('mallory', 'acme'));
    const beat = createMessage('AgentHeartbeatSent', { ...identity, inFlight: 0, concurrency: 1 }, user('mallory', 'acme'));
    await system.client.publishMessage(leave);
    await system.client.publishMessage(beat);
    for (const forged of [leave, beat]) {
      const letter = await deadLetterFor(forged);
      expect(letter?.payload).toMatchObject({ service: 'registry', reason: 'invalid-message', error: `${forged.type} for agent "summariser" refused: acme/user:mallory is neither agent "summariser" nor its owner ("${SUMMARISER_OWNER}")` });
    }
    expect(await instance()).toMatchObject({ status: 'up' });

    await system.client.publishMessage(createMessage('DeregisterAgent', { ...identity, reason: 'done' }, agentActor('summariser@1.1.0')));
    await waitFor(instance, (found) => found?.status === 'down', { what: 'the 1.1.0 instance to leave' });
  });

  it('gives a fresh name to exactly one of two owners registering it at the same time', async () => {
    for (const name of ['contested-a', 'contested-b', 'contested-c']) {
      const [alice, bob] = await Promise.all([
        register(user('alice', 'acme'), descriptor({ name, capabilities: [`${name}-work`], instanceId: `${name}-alice` })),
        register(user('bob', 'globex'), descriptor({ name, capabilities: [`${name}-work`], instanceId: `${name}-bob` })),
      ]);
      const winner = [alice, bob].find((d) => d.type === 'AgentRegistered');
      const loser = [alice, bob].find((d) => d.type === 'AgentRegistrationRejected') as MessageOf<'AgentRegistrationRejected'> | undefined;
      expect([winner?.type, loser?.type]).toEqual(['AgentRegistered', 'AgentRegistrationRejected']);
      const winnerOwner = winner === alice ? 'acme/user:alice' : 'globex/user:bob';
      expect(loser?.payload.reason).toContain(`belongs to owner "${winnerOwner}"`);
      expect((await find({ name })).map((a) => a.instanceId)).toEqual([winner?.payload.instanceId]);
    }
  });
});
