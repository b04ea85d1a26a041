import { BUCKETS, STREAMS, createMessage, newId, type Envelope, type MessageOf } from '@agentos/contracts';
import { EVENT_STORE_STREAM, verifyChain } from '@agentos/event-store';
import { NatsConnector, bootstrapTopology } from '@agentos/messaging';
import { workflowStream } from '@agentos/orchestration';
import { startNatsCluster, waitFor, type NatsClusterHandle, type NatsClusterServer } from '@agentos/testing';
import { spawnApp, type AppProcess } from '../scripts/processes';
import { startSystem, type RunningSystem } from './system';

/**
 * Leader re-election takes seconds; clients reconnect to the servers left. Settling all that was in flight may take
 * longer: an agent waits out a NATS outage instead of failing the task (its step-ledger claim naks the task and tries again with back-off), so on a loaded 2-core
 * machine, with the whole suite running beside three servers, an intent in flight may take over a minute.
 */
const FAILOVER_MS = 120_000;
const SETTLED = ['IntentCompleted', 'IntentRejected', 'IntentFailed'];

/**
 * Asks again while the cluster fails over (no leader yet, an API timeout), for operations that are
 * safe to repeat: reads, set-up, and publishes (the message id makes a repeat a no-op).
 */
const retrying = async <T>(what: string, operation: () => Promise<T>): Promise<T> => {
  const deadline = Date.now() + FAILOVER_MS;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
};

const submitTo = async (system: RunningSystem<NatsClusterHandle>, text: string) => {
  const intentId = newId();
  await retrying('submit', () => system.client.publishMessage(createMessage('SubmitIntent', { intentId, goal: 'summarise for the cluster test', capability: 'summarise', input: { text } }, system.origin)));
  return intentId;
};

const settledHistory = (system: RunningSystem<NatsClusterHandle>, intentId: string) =>
  waitFor(
    () => retrying(`read ${intentId}`, () => system.history(intentId)),
    (events: Envelope[]) => events.some((e) => SETTLED.includes(e.type)),
    { what: `intent ${intentId} to settle`, timeoutMs: FAILOVER_MS, intervalMs: 100 },
  );

const assertCompletedOnce = async (system: RunningSystem<NatsClusterHandle>, intentIds: string[]) => {
  for (const intentId of intentIds) {
    const events = await settledHistory(system, intentId);
    const types = events.map((e) => e.type);
    expect([intentId, types.filter((t) => SETTLED.includes(t))]).toEqual([intentId, ['IntentCompleted']]);
    // One assignment per attempt. A node loss may fail an attempt (e.g. the agent's memory write while
    // the bucket elects its leader): the run retries it as a new attempt, never as a duplicate.
    const attempts = (type: 'TaskAssigned' | 'TaskFailed') => events.filter((e) => e.type === type).map((e) => (e as MessageOf<typeof type>).payload.attempt);
    const assigned = attempts('TaskAssigned');
    expect([intentId, assigned]).toEqual([intentId, assigned.map((_, i) => i + 1)]);
    expect([intentId, attempts('TaskFailed')]).toEqual([intentId, assigned.slice(0, -1)]);
    expect([intentId, types.filter((t) => t === 'TaskCompleted').length]).toEqual([intentId, 1]);
    const records = await retrying(`read ${intentId}`, () => system.store.readStream(workflowStream(intentId)));
    expect([intentId, verifyChain(records)]).toEqual([intentId, { ok: true, events: records.length }]);
  }
};

describe('on a 3-node NATS cluster (AGENTOS_STREAM_REPLICAS=3)', () => {
  let system: RunningSystem<NatsClusterHandle>;
  let connector: NatsConnector;

  beforeAll(async () => {
    const cluster = await startNatsCluster(3);
    system = await startSystem([], { nats: cluster, env: { AGENTOS_STREAM_REPLICAS: '3' } });
    connector = new NatsConnector({ servers: cluster.urls, name: 'cluster-e2e' });
    expect((await system.submit('summarise', { text: 'One. Two.' })).events.at(-1)?.type).toBe('IntentCompleted');
  }, 90_000);

  afterAll(async () => {
    await connector?.close();
    await system?.stop();
  }, 90_000);

  /** Every stream the system created (contract streams, event store, KV buckets): its replica count, followers, and those caught up. */
  const replication = async () => {
    const jsm = await connector.manager$();
    const streams = await jsm.streams.list().next();
    return Object.fromEntries(
      streams.map((s) => [s.config.name, { replicas: s.config.num_replicas, followers: s.cluster?.replicas?.length ?? 0, current: s.cluster?.replicas?.filter((r) => r.current).length ?? 0, messages: s.state.messages }]),
    );
  };

  it('keeps every stream and KV bucket on three servers', async () => {
    const expected = [...Object.keys(STREAMS), EVENT_STORE_STREAM, ...Object.keys(BUCKETS).map((bucket) => `KV_${bucket}`)];
    const found = await waitFor(replication, (all) => expected.every((name) => all[name]?.current === 2), { what: 'every stream to have two current followers', timeoutMs: 20_000 });
    for (const name of expected) expect([name, found[name]]).toEqual([name, expect.objectContaining({ replicas: 3, followers: 2, current: 2 })]);
    // Nothing the system made is left on one server.
    expect(Object.entries(found).filter(([, r]) => r.replicas !== 3)).toEqual([]);
  });

  it('scales streams and buckets by bootstrap only: a service leaves an existing one as it is', async () => {
    const jsm = await connector.manager$();
    // Each step is idempotent: one that times out while a stream's new raft group forms is asked again.
    const replicasOf = (name: string) => retrying('stream info', async () => (await jsm.streams.info(name)).config.num_replicas);
    const openAs = async (replicas: number) => {
      const service = new NatsConnector({ servers: system.nats.urls, name: 'scale-check', replicas });
      await retrying('open', () => service.kv('agentos_checkpoints'));
      await service.close();
      return replicasOf('KV_agentos_checkpoints');
    };
    // The checkpoint bucket, which the running system does not use: a service configured for one replica
    // does not scale it down; re-created by such a service (auth is off), one for three does not scale it up.
    expect(await openAs(1)).toBe(3);
    await retrying('delete', () => jsm.streams.delete('KV_agentos_checkpoints'));
    expect([await openAs(1), await openAs(3)]).toEqual([1, 1]);
    // Bootstrap without replicas (the CLI's default) leaves the count alone; with them, it scales.
    await retrying('bootstrap', () => bootstrapTopology(connector));
    expect(await replicasOf('KV_agentos_checkpoints')).toBe(1);
    await retrying('bootstrap', () => bootstrapTopology(connector, { replicas: 3 }));
    expect(await replicasOf('KV_agentos_checkpoints')).toBe(3);
  }, 3 * FAILOVER_MS);

  /**
   * Kills a server while intents are in flight and submits more while the survivors elect new leaders.
   * The server comes back once they have: nats-server 2.9 keeps placing new R1 ephemeral consumers
   * (the ordered consumers behind event-store reads and KV key listings) on an offline peer, where
   * their creation times out, so a cluster that stays a server short only limps along (later servers
   * place them on online peers only: nats-io/nats-server#7165). The intents must then all complete,
   * once each, with intact histories.
   */
  const submit = (text: string) => submitTo(system, text);
  const survivesLosing = async (pick: () => Promise<NatsClusterServer>) => {
    // Asked for before the kill: making a JetStream manager asks for the account's info, which times out without a meta leader.
    const jsm = await retrying('jetstream manager', () => connector.manager$());
    const before = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => submit(`Before ${n}. Still in flight.`)));
    const victim = await pick();
    await victim.kill('SIGKILL');
    const during = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => submit(`During ${n}. While electing.`)));
    // The survivors take over: a new meta leader, and new leaders for the streams the victim led.
    await waitFor(
      async () => {
        const meta = await system.nats.metaLeader().catch(() => '');
        const leaders = await Promise.all([...Object.keys(STREAMS), EVENT_STORE_STREAM].map((name) => jsm.streams.info(name).then((i) => i.cluster?.leader ?? '', () => '')));
        return [meta, ...leaders];
      },
      (leaders) => leaders.every((leader) => leader !== '' && leader !== victim.name),
      { what: `the servers left to elect leaders in place of ${victim.name}`, timeoutMs: FAILOVER_MS, intervalMs: 250 },
    );
    await victim.restart();
    await assertCompletedOnce(system, [...before, ...during]);
    // The event store's whole history, across every workflow and agent stream, still verifies.
    const all = await retrying('read $all', () => system.store.readAll());
    for (const stream of new Set(all.map((r) => r.stream))) expect([stream, verifyChain(all.filter((r) => r.stream === stream)).ok]).toEqual([stream, true]);
    // Back to three servers, every stream with two current followers, for the next test.
    await waitFor(
      () => retrying('stream list', replication),
      // A stream with nothing in it (a bucket bootstrap made that this test never used) has nothing to catch up on,
      // and a 2.9 follower back from a kill reports it current only once something is written.
      (found) => Object.values(found).every((r) => r.current === 2 || r.messages === 0),
      { what: `${victim.name} to catch up on every stream`, timeoutMs: FAILOVER_MS, intervalMs: 250 },
    );
  };

  // Found here: an assignment recorded while the meta leader was away was never published (its publish failed and
  // no one redelivers what the scheduler decided), so its agent never got the task; see test/nats-restart.e2e.ts.
  it('completes every intent, once each, when the JetStream meta leader dies mid-run', async () => {
    await survivesLosing(async () => {
      const leader = await system.nats.metaLeader();
      return system.nats.servers.find((s) => s.name === leader)!;
    });
  }, 3 * FAILOVER_MS);

  it('completes every intent, once each, when the event store stream leader dies mid-run', async () => {
    await survivesLosing(async () => {
      const jsm = await connector.manager$();
      const info = await waitFor(() => retrying('stream info', () => jsm.streams.info(EVENT_STORE_STREAM)), (i) => !!i.cluster?.leader, { what: 'an event store stream leader' });
      return system.nats.servers.find((s) => s.name === info.cluster?.leader)!;
    });
  }, 3 * FAILOVER_MS);
});

/**
 * The orchestrator as three processes, each owning partitions of the runs through leases in JetStream KV (a
 * replicated bucket), on a 3-node cluster: the server leading the lease bucket dies mid-run. Lease renewals fail while
 * the bucket elects a leader; each replica keeps its partitions or loses them to another; either way every run
 * completes once, and RunOwnerChanged with the run streams' expected revisions keeps a replica that lost a partition
 * from forking a history.
 */
describe('three orchestrator replicas on a 3-node NATS cluster', () => {
  let system: RunningSystem<NatsClusterHandle>;
  let connector: NatsConnector;
  const replicas = new Map<string, AppProcess>();
  let stopping = false;

  beforeAll(async () => {
    const cluster = await startNatsCluster(3);
    const env = { AGENTOS_STREAM_REPLICAS: '3' };
    system = await startSystem([], { nats: cluster, env, without: ['orchestrator'] });
    connector = new NatsConnector({ servers: cluster.urls, name: 'cluster-replicas-e2e' });
    const spawnReplica = (id: string) => {
      const replica = spawnApp('orchestrator', { ...env, NATS_URL: cluster.url, AGENTOS_INSTANCE_ID: id, AGENTOS_LEASE_MS: '3000' });
      replicas.set(id, replica);
      // As a platform does: a replica that exits (a start timed out on the busy cluster) starts again.
      void replica.exited.then(() => stopping || spawnReplica(id));
    };
    for (const id of ['orchestrator-a', 'orchestrator-b', 'orchestrator-c']) spawnReplica(id);
    expect((await system.submit('summarise', { text: 'One. Two.' })).events.at(-1)?.type).toBe('IntentCompleted');
  }, 120_000);

  afterAll(async () => {
    stopping = true;
    for (const replica of replicas.values()) replica.child.kill('SIGKILL');
    await connector?.close();
    await system?.stop();
  }, 90_000);

  it('completes every intent, once each, when the server leading the lease bucket dies mid-run', async () => {
    const jsm = await retrying('jetstream manager', () => connector.manager$());
    const leaseLeader = async () => (await jsm.streams.info('KV_agentos_leases')).cluster?.leader ?? '';
    const before = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => submitTo(system, `Before ${n}. Still in flight.`)));
    const victimName = await waitFor(() => retrying('lease bucket info', leaseLeader), (leader) => leader !== '', { what: 'a leader of the lease bucket' });
    const victim = system.nats.servers.find((server) => server.name === victimName)!;
    await victim.kill('SIGKILL');
    const during = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => submitTo(system, `During ${n}. While electing.`)));
    await waitFor(() => leaseLeader().catch(() => ''), (leader) => leader !== '' && leader !== victimName, { what: 'a new leader of the lease bucket', timeoutMs: FAILOVER_MS, intervalMs: 250 });
    await victim.restart();
    await assertCompletedOnce(system, [...before, ...during]);
    // Every partition is held by one of the replicas. A partition handed on to balance the replicas has no holder
    // until the replica it goes to takes it, at that replica's next pass (a third of a lease): read until it has.
    const leaseHolders = () =>
      retrying('read the partition leases', async () => {
        const kv = await connector.kv('agentos_leases');
        return Promise.all(
          Array.from({ length: 16 }, async (_, p) => {
            const entry = await kv.get(`orchestrator.p${p}`);
            return entry?.operation === 'PUT' ? entry.json<{ holder: string }>().holder : '';
          }),
        );
      });
    const holders = await waitFor(leaseHolders, (found) => found.every((holder) => replicas.has(holder)), { what: 'every partition held by a replica', timeoutMs: 30_000 }).catch(leaseHolders);
    expect(holders.filter((holder) => replicas.has(holder))).toHaveLength(16);
  }, 3 * FAILOVER_MS);
});
