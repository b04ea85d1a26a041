import type { AgentDescriptor } from '@agentos/contracts';
import { NatsConnector, bootstrapTopology } from '@agentos/messaging';
import { startNatsServer, waitFor, type NatsServerHandle } from '@agentos/testing';
import { SlotClaims } from './slot-claims';

const instance = (instanceId: string, concurrency: number): AgentDescriptor => ({ name: 'summariser', version: '1.0.0', owner: 'team', capabilities: ['summarise'], concurrency, instanceId });

describe('SlotClaims: agent slots shared by orchestrator replicas, on a real nats-server', () => {
  let nats: NatsServerHandle;
  let connector: NatsConnector;
  const replicas: SlotClaims[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    connector = new NatsConnector({ servers: nats.url, name: 'slot-claims-spec' });
    await bootstrapTopology(connector);
  });

  afterAll(async () => {
    for (const replica of replicas) replica.stop();
    await connector.close();
    await nats.stop();
  });

  const replica = async () => {
    const claims = new SlotClaims(connector, `replica-${replicas.length}`);
    await claims.start();
    replicas.push(claims);
    return claims;
  };

  it('never gives an instance more tasks than it runs at once, whichever replica asks, and frees a slot given back', async () => {
    const [a, b] = [await replica(), await replica()];
    const two = instance('i-two', 2);
    const tasks = ['t1', 't2', 't3'];
    // Both replicas claim at once: three tasks for two slots.
    const won = await Promise.all([a.claim(two, 't1', 'r1'), b.claim(two, 't2', 'r2'), b.claim(two, 't3', 'r3')]);
    expect(won.filter(Boolean)).toHaveLength(2);
    const [winner, loser] = [tasks[won.indexOf(true)], tasks[won.indexOf(false)]];
    const holder = winner === 't1' ? a : b;
    const other = holder === a ? b : a;
    // The holder claims its slot again harmlessly (an assignment tried again); the other replica may not take it, and
    // the loser still finds no slot.
    expect(await holder.claim(two, winner, 'r')).toBe(true);
    expect(await other.claim(two, winner, 'r')).toBe(false);
    expect(await holder.claim(two, loser, 'r')).toBe(false);
    // Only the holder gives its slot back (a replica that lost the run may still fail an assignment of it)...
    await other.release('i-two', winner);
    expect(await holder.claim(two, loser, 'r')).toBe(false);
    // ...and then the slot is the loser's.
    await holder.release('i-two', winner);
    expect(await other.claim(two, loser, 'r')).toBe(true);
  });

  it("plans on each instance's concurrency less the slots the other replicas hold", async () => {
    const [a, b] = [await replica(), await replica()];
    const three = instance('i-three', 3);
    expect(await a.claim(three, 'x1', 'r1')).toBe(true);
    expect(await b.claim(three, 'x2', 'r2')).toBe(true);
    // a's own task counts in its scheduler already; b's comes off the instance's concurrency once the watch brings it.
    await waitFor(async () => a.capacityFor([three], () => ['x1'])[0].concurrency, (c) => c === 2, { what: "a to see b's slot" });
    expect(b.capacityFor([three], () => ['x2'])[0].concurrency).toBe(2);
    expect(a.capacityFor([instance('i-free', 4)], () => [])[0].concurrency).toBe(4);
  });

  it('gives back slots claimed for runs that never recorded the assignment, and all of an instance that went down', async () => {
    const [a, b] = [await replica(), await replica()];
    const four = instance('i-four', 4);
    for (const [task, run] of [['s1', 'run-p1'], ['s2', 'run-p1'], ['s3', 'run-p2']]) expect(await a.claim(four, task, run)).toBe(true);
    await waitFor(async () => b.capacityFor([four], () => [])[0].concurrency, (c) => c === 1, { what: "b to see a's slots" });
    // b took run-p1's partition over: s1 is in flight there, s2 was never assigned (a's, given back all the same).
    expect(await b.releaseStale((_, taskId, runId) => runId === 'run-p1' && taskId !== 's1')).toBe(1);
    await waitFor(async () => b.capacityFor([four], () => [])[0].concurrency, (c) => c === 2, { what: 's2 given back' });
    await a.forgetInstance('i-four');
    await waitFor(async () => b.capacityFor([four], () => [])[0].concurrency, (c) => c === 4, { what: 'every slot of the instance gone with it' });
  });
});
