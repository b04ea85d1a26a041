import { createMessage, newId } from '@agentos/contracts';
import { EVENT_STORE_STREAM, JetStreamEventStore } from '@agentos/event-store';
import { JetStreamClientProxy, Lease, MessagePublisher, bootstrapTopology } from '@agentos/messaging';
import { agentUser, startNatsServer, type NatsServerHandle } from '@agentos/testing';
import type { JetStreamManager } from 'nats';
import { principalConnections } from './principal-connections';

const PERMISSION_DENIED = /permissions violation/i;
const DEAD_LETTERS = 'AGENTOS_DEAD_LETTERS';

/**
 * Stream and bucket settings are the admin's (`agentos bootstrap`), on a real nats-server with auth on:
 * a service that finds a stream missing does not start, and no service, agent or operator may change,
 * purge or delete a stream (shrinking the event store to one message would erase the audit log).
 */
describe('stream settings belong to the admin, against a real nats-server with auth', () => {
  let nats: NatsServerHandle;
  const principals = principalConnections(() => nats);
  const as = principals.as;
  const origin = { tenant: 'system', actor: { kind: 'user' as const, id: 'admin' } };

  beforeAll(async () => {
    nats = await startNatsServer({ auth: true });
  });

  afterAll(async () => {
    await principals.closeAll();
    await nats?.stop();
  });

  it('refuses to start a service before bootstrap, naming the missing stream or bucket and the cure', async () => {
    await expect(new JetStreamClientProxy(as('registry')).connect()).rejects.toThrow(/stream AGENTOS_COMMANDS does not exist: run `agentos bootstrap`/);
    await expect(as('memory').kv('agentos_memory')).rejects.toThrow(/stream KV_agentos_memory does not exist: run `agentos bootstrap`/);
    await expect(new JetStreamEventStore(as('orchestrator'), { retryAttempts: 1 }).readStream('any')).rejects.toThrow(/stream AGENTOS_EVENT_STORE does not exist/);
    // A one-active service does not stand by for ever on a leases bucket that is not there.
    await expect(new Lease(() => as('orchestrator').kv('agentos_leases'), { key: 'orchestrator', holder: 'o-1', ttlMs: 1_000 }).acquire()).rejects.toThrow(/stream KV_agentos_leases does not exist: run `agentos bootstrap`/);
    // Nothing was created on the way.
    const names = await (await as('admin').manager$()).streams.names().next();
    expect(names).toEqual([]);
  });

  it('lets the admin bootstrap, once and idempotently, and services start after it', async () => {
    const first = await bootstrapTopology(as('admin'));
    expect(first.every((step) => step.outcome === 'created')).toBe(true);
    expect(first.map((step) => step.stream)).toEqual(expect.arrayContaining([EVENT_STORE_STREAM, DEAD_LETTERS, 'KV_agentos_memory', 'KV_agentos_step_ledger']));
    expect((await bootstrapTopology(as('admin'))).filter((step) => step.outcome !== 'unchanged')).toEqual([]);
    await new JetStreamClientProxy(as('registry')).connect();
    await as('memory').kv('agentos_memory');
  });

  it('refuses the CLI operator and an agent shrinking, purging or deleting the event store or the dead letters', async () => {
    const admin = await as('admin').manager$();
    const store = new JetStreamEventStore(as('orchestrator'));
    for (const goal of ['first', 'second']) await store.append(`audit-${newId()}`, [createMessage('IntentSubmitted', { intentId: newId(), goal, capability: 'summarise', input: {} }, origin)]);
    const deadLetter = { service: 'registry', consumer: 'registry-RegisterAgent', subject: 'agentos.cmd.agent.register', streamSequence: 1, deliveries: 1, reason: 'refused' as const, error: 'kept', original: '{}' };
    await new MessagePublisher(as('admin')).publish(createMessage('MessageDeadLettered', deadLetter, origin));
    const snapshot = async (jsm: JetStreamManager) =>
      Promise.all([EVENT_STORE_STREAM, DEAD_LETTERS].map(async (name) => {
        const { config, state } = await jsm.streams.info(name);
        return { name, config, messages: state.messages };
      }));
    const before = await snapshot(admin);
    expect(before.map((s) => s.messages)).toEqual([2, 1]);
    const cli = await as('cli').manager$();
    const agent = await as(agentUser('summariser')).manager$();
    const attempts: Record<string, () => Promise<unknown>> = {
      'cli shrinks the event store': () => cli.streams.update(EVENT_STORE_STREAM, { max_msgs: 1 }),
      'cli purges the event store': () => cli.streams.purge(EVENT_STORE_STREAM),
      'cli deletes an event-store message': () => cli.streams.deleteMessage(EVENT_STORE_STREAM, 1),
      'cli deletes the event store': () => cli.streams.delete(EVENT_STORE_STREAM),
      'cli creates a stream': () => cli.streams.add({ name: 'ROGUE', subjects: ['rogue.>'] }),
      'agent caps the dead letters': () => agent.streams.update(DEAD_LETTERS, { max_msgs: 1 }),
      'agent purges the dead letters': () => agent.streams.purge(DEAD_LETTERS),
      'agent deletes the dead letters': () => agent.streams.delete(DEAD_LETTERS),
      'agent changes its bucket': () => agent.streams.update('KV_agentos_step_ledger', { max_msgs_per_subject: 100 }),
    };
    for (const [what, attempt] of Object.entries(attempts)) {
      const refused = await attempt().then(() => undefined, (error: Error) => error);
      expect([what, refused?.message]).toEqual([what, expect.stringMatching(PERMISSION_DENIED)]);
    }
    expect(await snapshot(admin)).toEqual(before);
  });
});
