import { startNatsServer, type NatsServerHandle } from '@agentos/testing';
import type { KV } from 'nats';
import { NatsConnector } from './connection';
import { BatchedKvUpdates } from './kv-update';

interface Counter {
  total: number;
  seen: string[];
}

/** Adds `amount` once per id, as a budget account counts a usage record once. */
const add = (id: string, amount: number) => (current: Counter | undefined): Counter => {
  const counter = current ?? { total: 0, seen: [] };
  return counter.seen.includes(id) ? counter : { total: counter.total + amount, seen: [...counter.seen, id] };
};

describe('BatchedKvUpdates on a real nats-server', () => {
  let nats: NatsServerHandle;
  let connector: NatsConnector;
  let kv: KV;
  let apiCalls: () => Promise<number>;

  beforeAll(async () => {
    nats = await startNatsServer();
    connector = new NatsConnector({ servers: nats.url, name: 'kv-update-spec' });
    kv = await (await connector.jetstream()).views.kv('spec_counters', { history: 1 });
    const jsm = await connector.manager$();
    apiCalls = async () => (await jsm.getAccountInfo()).api.total;
  });

  afterAll(async () => {
    await connector.close();
    await nats.stop();
  });

  it('applies each of many concurrent changes to one key once, in fewer writes, each seeing the value just before it', async () => {
    const updates = new BatchedKvUpdates<Counter>(async () => kv);
    const lastSeq = async () => (await (await connector.manager$()).streams.info('KV_spec_counters')).state.last_seq;
    const before = await lastSeq();
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => updates.update('tenant.a', add(`u${i}`, i + 1))));
    expect((await kv.get('tenant.a'))?.json<Counter>().total).toBe((50 * 51) / 2);
    // Chained: each change starts from the one before it, whichever write carried it.
    const byBefore = new Map(outcomes.map((o) => [o.before?.total ?? 0, o.after.total]));
    let total = 0;
    for (let step = 0; step < 50; step += 1) total = byBefore.get(total) ?? Number.NaN;
    expect(total).toBe((50 * 51) / 2);
    // Fewer writes than changes: those waiting on a write went together in the next.
    const writes = (await lastSeq()) - before;
    expect(writes).toBeLessThan(50);
    expect(writes).toBeGreaterThanOrEqual(1);
  });

  it('writes a new key and then a known one without reading it; another writer in between costs a read, not a lost change', async () => {
    const updates = new BatchedKvUpdates<Counter>(async () => kv);
    const calls = await apiCalls();
    await updates.update('run.new', add('x', 5));
    await updates.update('run.new', add('y', 7));
    // The account info itself: the two writes were plain KV publishes, no look-up of the key.
    expect((await apiCalls()) - calls).toBe(1);

    // Someone else (another replica) writes the key: this process's revision is stale, its write refused and retried.
    const current = await kv.get('run.new');
    await kv.update('run.new', JSON.stringify({ total: 100, seen: ['x', 'y', 'other'] }), current!.revision);
    const { before, after } = await updates.update('run.new', add('z', 1));
    expect([before?.total, after.total]).toEqual([100, 101]);
    expect((await kv.get('run.new'))?.json<Counter>()).toEqual({ total: 101, seen: ['x', 'y', 'other', 'z'] });
    // An existing key this process never wrote: its assumed-new create is refused, then it is read and updated.
    const fresh = new BatchedKvUpdates<Counter>(async () => kv);
    await expect(fresh.update('run.new', add('w', 1))).resolves.toMatchObject({ after: { total: 102 } });
  });
});

describe('BatchedKvUpdates when a write fails', () => {
  /** A KV in memory whose next `failures` writes time out (nothing stored), as a write during a failover can. */
  function flakyKv(failures: number) {
    const stored = new Map<string, { revision: number; value: string }>();
    let sequence = 0;
    let failing = failures;
    const write = (key: string, value: string) => {
      if (failing-- > 0) throw new Error('TIMEOUT');
      stored.set(key, { revision: (sequence += 1), value });
      return sequence;
    };
    const kv = {
      get: async (key: string) => {
        const entry = stored.get(key);
        return entry ? { revision: entry.revision, operation: 'PUT', json: () => JSON.parse(entry.value) as unknown } : null;
      },
      create: async (key: string, value: string) => {
        if (stored.has(key)) throw new Error('wrong last sequence: 1');
        return write(key, value);
      },
      update: async (key: string, value: string, revision: number) => {
        if (stored.get(key)?.revision !== revision) throw new Error('wrong last sequence');
        return write(key, value);
      },
    };
    return { kv: kv as unknown as KV, stored };
  }

  it('tries a write whose outcome is unknown again from a fresh read, and counts each change once', async () => {
    const { kv, stored } = flakyKv(2);
    const updates = new BatchedKvUpdates<Counter>(async () => kv);
    const outcomes = await Promise.all(Array.from({ length: 5 }, (_, i) => updates.update('tenant.b', add(`u${i}`, 1))));
    expect(outcomes.map((o) => o.after.total).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    expect((JSON.parse(stored.get('tenant.b')!.value) as Counter).total).toBe(5);
  });

  it('fails only the caller whose change throws; the changes batched with it are written', async () => {
    const { kv, stored } = flakyKv(0);
    const updates = new BatchedKvUpdates<Counter>(async () => kv);
    const first = updates.update('tenant.c', add('a', 1));
    const broken = updates.update('tenant.c', () => {
      throw new Error('a broken change');
    });
    const last = updates.update('tenant.c', add('b', 2));
    await expect(broken).rejects.toThrow('a broken change');
    await expect(Promise.all([first, last])).resolves.toEqual([expect.objectContaining({ after: expect.objectContaining({ total: 1 }) }), expect.objectContaining({ after: expect.objectContaining({ total: 3 }) })]);
    expect((JSON.parse(stored.get('tenant.c')!.value) as Counter).total).toBe(3);
  });
});
