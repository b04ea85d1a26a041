import { startNatsServer, waitFor, type NatsServerHandle } from '@agentos/testing';
import type { KV } from 'nats';
import { NatsConnector } from './connection';
import { PartitionLeases } from './partition-leases';

const PARTITIONS = 8;
const TTL_MS = 600;

describe('PartitionLeases on a real nats-server', () => {
  let nats: NatsServerHandle;
  let connector: NatsConnector;
  let kv: KV;
  let bucket = 0;
  const running: PartitionLeases[] = [];

  /** A replica: what it was told it gained and lost, in order. */
  const replica = (holder: string) => {
    const journal: string[] = [];
    const leases = new PartitionLeases(async () => kv, {
      service: 'svc',
      holder,
      partitions: PARTITIONS,
      ttlMs: TTL_MS,
      gained: async (p) => void journal.push(`+${p}`),
      lost: async (p, reason) => void journal.push(`-${p} ${reason}`),
    });
    running.push(leases);
    return { leases, journal };
  };

  beforeAll(async () => {
    nats = await startNatsServer();
    connector = new NatsConnector({ servers: nats.url, name: 'partition-leases-spec' });
  });

  beforeEach(async () => {
    bucket += 1;
    kv = await (await connector.jetstream()).views.kv(`leases_${bucket}`, { history: 1 });
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((leases) => leases.stop()));
  });

  afterAll(async () => {
    await connector.close();
    await nats.stop();
  });

  const all = Array.from({ length: PARTITIONS }, (_, p) => p);
  const disjoint = (a: number[], b: number[]) => a.filter((p) => b.includes(p));

  it('refuses to start with a partition count other than the one recorded', async () => {
    await kv.put('svc.partitions', '16');
    await expect(replica('a').leases.start()).rejects.toThrow('svc runs 16 partitions (key svc.partitions of the leases bucket), this replica 8');
  });

  it('a lone replica takes every partition at once, and owns each once it is loaded', async () => {
    const a = replica('a');
    await a.leases.start();
    await waitFor(async () => a.leases.owned, (owned) => owned.length === PARTITIONS, { what: 'a to own everything' });
    expect(a.leases.owned).toEqual(all);
    expect(a.journal.sort()).toEqual(all.map((p) => `+${p}`).sort());
  });

  it('a replica that joins gets its fair share handed on, and no partition is ever owned by two', async () => {
    const a = replica('a');
    const b = replica('b');
    await a.leases.start();
    await waitFor(async () => a.leases.owned.length, (n) => n === PARTITIONS, { what: 'a to own everything' });
    await b.leases.start();
    const overlaps: number[] = [];
    await waitFor(
      async () => {
        overlaps.push(...disjoint(a.leases.owned, b.leases.owned));
        return [a.leases.owned.length, b.leases.owned.length];
      },
      ([x, y]) => x === PARTITIONS / 2 && y === PARTITIONS / 2,
      { what: 'an even split', timeoutMs: 10 * TTL_MS, intervalMs: 20 },
    );
    expect(overlaps).toEqual([]);
    expect([...a.leases.owned, ...b.leases.owned].sort()).toEqual(all);
    expect(a.journal.filter((line) => line.startsWith('-'))).toHaveLength(PARTITIONS / 2);
    expect(a.journal.find((line) => line.startsWith('-'))).toMatch(/handed on to balance/);
  });

  it('a replica that stops hands its partitions on at once', async () => {
    const a = replica('a');
    const b = replica('b');
    await a.leases.start();
    await b.leases.start();
    await waitFor(async () => a.leases.owned.length + b.leases.owned.length, (n) => n === PARTITIONS, { what: 'everything owned' });
    const started = performance.now();
    await a.leases.stop();
    // a's membership went with it: b's share is everything, and free partitions are taken at once.
    await waitFor(async () => b.leases.owned, (owned) => owned.length === PARTITIONS, { what: 'b to own everything', timeoutMs: 5 * TTL_MS, intervalMs: 20 });
    expect(performance.now() - started).toBeLessThan(3 * TTL_MS);
  });

  it('partitions of a holder that fell silent are taken over after a ttl, whatever the share', async () => {
    // A replica killed without a word: its partitions and its membership stay, unrenewed.
    for (const p of [0, 1, 2]) await kv.put(`svc.p${p}`, JSON.stringify({ holder: 'dead', renewedAt: new Date().toISOString() }));
    await kv.put('svc.members.dead', JSON.stringify({ holder: 'dead', renewedAt: new Date().toISOString() }));
    const a = replica('a')
    const started = performance.now();
    await a.leases.start();
    await waitFor(async () => a.leases.owned, (owned) => owned.length === PARTITIONS, { what: 'a to own everything', timeoutMs: 10 * TTL_MS, intervalMs: 20 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(TTL_MS);
  });

  it('a holder whose lease was taken over while it was frozen loses the partition at its next renewal', async () => {
    const a = replica('a');
    await a.leases.start();
    await waitFor(async () => a.leases.owned.length, (n) => n === PARTITIONS, { what: 'a to own everything' });
    const entry = await kv.get('svc.p3');
    await kv.update('svc.p3', JSON.stringify({ holder: 'b', renewedAt: new Date().toISOString() }), entry!.revision);
    await waitFor(async () => a.journal, (journal) => journal.includes('-3 another replica took it over'), { what: 'a to lose p3', timeoutMs: 5 * TTL_MS });
    expect(a.leases.owns(3)).toBe(false);
    // b's lease is renewed by b (here: nobody), so a takes it back only once b has been silent for a ttl.
    const lostAt = performance.now();
    await waitFor(async () => a.leases.owns(3), (owns) => owns, { what: 'a to take p3 back from a silent b', timeoutMs: 10 * TTL_MS, intervalMs: 20 });
    expect(performance.now() - lostAt).toBeGreaterThanOrEqual(TTL_MS - TTL_MS / 3);
  });
});
