import { NatsConnector } from '@agentos/messaging';
import { startNatsServer, type NatsServerHandle } from '@agentos/testing';
import type { KV } from 'nats';
import { MemoryStore, type Address, type StoredValue } from './memory.store';

const provenance = { writtenBy: 'agent:spec', causationId: null, correlationId: '00000000-0000-4000-8000-000000000000', writtenAt: '2026-01-01T00:00:00.000Z' };
const value = (expiresAt: string | null, text: string): StoredValue => ({ value: text, expiresAt, provenance });
const address = (key: string): Address => ({ tenant: 'acme', scope: 'tenant', scopeId: 'acme', key });
const PAST = '2026-01-01T00:00:01.000Z';

describe('MemoryStore.sweep on a real nats-server (memory replicas sweep the one bucket)', () => {
  let nats: NatsServerHandle;
  const connectors: NatsConnector[] = [];
  /** Each store on its own connection, like memory replicas on different hosts. */
  const replica = () => {
    const connector = new NatsConnector({ servers: nats.url, name: `memory-store-spec-${connectors.length}` });
    connectors.push(connector);
    return { store: new MemoryStore(connector), kv: () => connector.kv('agentos_memory') };
  };
  /** Every operation recorded for a key: PUTs and DELs, oldest first. */
  const operations = async (kv: KV, key: string) => {
    const ops: string[] = [];
    for await (const entry of await kv.history({ key })) ops.push(entry.operation);
    return ops;
  };

  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await Promise.all(connectors.map((c) => c.close()));
    await nats.stop();
  });

  it('given expired values, when two replicas sweep at once, then each value is deleted once and live ones stay', async () => {
    const [a, b] = [replica(), replica()];
    const keys = Array.from({ length: 20 }, (_, i) => `race-${i}`);
    for (const key of keys) await a.store.write(address(key), value(PAST, key));
    await a.store.write(address('live'), value(null, 'stays'));
    const removed = await Promise.all([a.store.sweep(), b.store.sweep()]);
    expect(removed[0] + removed[1]).toBe(keys.length);
    const kv = await a.kv();
    for (const key of keys) expect([key, await operations(kv, `acme.tenant.acme.${key}`)]).toEqual([key, ['PUT', 'DEL']]);
    expect((await a.store.get(address('live')))?.value).toBe('stays');
  });

  it('given a value rewritten after the sweep found it expired, when the sweep deletes, then the new value is kept', async () => {
    const { store, kv } = replica();
    await store.write(address('rewritten'), value(PAST, 'old'));
    const real = await kv();
    // Between the sweep's read and its delete, a writer replaces the expired value (it counts as absent).
    const racing = new Proxy(real, {
      get: (target, property) =>
        property === 'get'
          ? async (key: string) => {
              const entry = await target.get(key);
              if (key.endsWith('.rewritten') && entry?.operation === 'PUT') await target.put(key, JSON.stringify(value(null, 'new')));
              return entry;
            }
          : Reflect.get(target, property, target),
    });
    const sweeping = new MemoryStore({ kv: async () => racing } as unknown as NatsConnector);
    expect(await sweeping.sweep()).toBe(0);
    expect((await store.get(address('rewritten')))?.value).toBe('new');
  });
});
