import { createMessage, newId, type Envelope } from '@agentos/contracts';
import { NatsConnector, bootstrapNats } from '@agentos/messaging';
import { startNatsServer, type NatsServerHandle } from '@agentos/testing';
import { randomBytes } from 'node:crypto';
import { verifyChain } from '../hash-chain';
import { JetStreamEventStore } from '../jetstream.event-store';
import { ERASED, TenantDataCipher, erasedAsText, isSealed } from './tenant-data-cipher';
import { TenantKeys, purgeTenantKey, shredKeysBefore } from './tenant-keys';

const completed = (tenant: string, output: unknown): Envelope =>
  createMessage(
    'TaskCompleted',
    { taskId: newId(), intentId: newId(), agent: 'a', agentVersion: '1.0.0', instanceId: 'i1', output, calls: [{ kind: 'tool', name: 'lookup', request: { term: 'plan-x' }, response: { hits: 2 } }] },
    { tenant, actor: { kind: 'agent', id: 'a@1.0.0' } },
  );

describe('tenant data sealed in the JetStream event store', () => {
  let nats: NatsServerHandle;
  let connector: NatsConnector;
  const master = randomBytes(32);

  beforeAll(async () => {
    nats = await startNatsServer();
    await bootstrapNats({ servers: nats.url, name: 'cipher-spec-bootstrap' });
    connector = new NatsConnector({ servers: nats.url, name: 'cipher-spec' });
  });

  afterAll(async () => {
    await connector.close();
    await nats.stop();
  });

  it('stores outputs and tool calls sealed, reads them back, and after a purge reads them as [erased] with the chain intact', async () => {
    const writer = new JetStreamEventStore(connector, { tenantData: new TenantDataCipher(new TenantKeys(connector, master, { rememberMs: 0 })) });
    const stream = `workflow-${newId()}`;
    await writer.append(stream, [completed('acme', { plan: 'plan-x' }), completed('system', { plan: 'platform' })]);

    const raw = await new JetStreamEventStore(connector).readStream(stream);
    expect(JSON.stringify(raw[0].event)).not.toContain('plan-x');
    expect(isSealed((raw[0].event.payload as { output: unknown }).output)).toBe(true);
    expect(raw[1].event.payload).toMatchObject({ output: { plan: 'platform' } }); // the platform's own events hold no tenant data

    const reader = new JetStreamEventStore(connector, { tenantData: new TenantDataCipher(new TenantKeys(connector, master, { rememberMs: 0 })) });
    const opened = await reader.readStream(stream);
    expect(opened[0].event.payload).toMatchObject({ output: { plan: 'plan-x' }, calls: [{ request: { term: 'plan-x' }, response: { hits: 2 } }] });
    expect(verifyChain(opened)).toEqual({ ok: true, events: 2 });

    await purgeTenantKey(connector, 'acme');
    const erased = await reader.readStream(stream);
    expect(JSON.stringify(erased[0].event.payload, erasedAsText)).toContain(`"output":"${ERASED}"`);
    expect(JSON.stringify(erased[0].event.payload)).not.toContain('plan-x');
    expect(verifyChain(erased)).toEqual({ ok: true, events: 2 });
  });

  it('erases one kind of data period by period: a shredded period reads [erased], a newer period and the other kind still open', async () => {
    const store = new JetStreamEventStore(connector, { tenantData: new TenantDataCipher(new TenantKeys(connector, master, { rememberMs: 0, periodMs: 1_000 })) });
    const run = `workflow-${newId()}`;
    const memory = `memory-initech.workflow.${newId()}`;
    await store.append(run, [completed('initech', { plan: 'old-run' })]);
    // The kind of data is the stream's: the same event in a memory stream is sealed with a memory key.
    await store.append(memory, [completed('initech', { plan: 'old-memory' })]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await store.append(run, [completed('initech', { plan: 'new-run' })]);
    const shredded = await shredKeysBefore(connector, 'initech', 'runs', Date.now() - 50);
    expect(shredded).toHaveLength(1);
    expect(shredded[0]).toMatchObject({ tenant: 'initech', kind: 'runs' });
    const [old, fresh] = await store.readStream(run);
    expect(JSON.stringify(old.event.payload, erasedAsText)).toContain(`"output":"${ERASED}"`);
    expect(fresh.event.payload).toMatchObject({ output: { plan: 'new-run' } });
    expect(verifyChain([old, fresh])).toEqual({ ok: true, events: 2 });
    expect((await store.readStream(memory))[0].event.payload).toMatchObject({ output: { plan: 'old-memory' } });
    expect(await shredKeysBefore(connector, 'initech', 'memory', Date.now())).toHaveLength(1);
    expect(JSON.stringify((await store.readStream(memory))[0].event.payload, erasedAsText)).toContain(`"output":"${ERASED}"`);
  });

  it('does not open a sealed value moved to another event, nor with another master key', async () => {
    const keys = new TenantKeys(connector, master, { rememberMs: 0 });
    const cipher = new TenantDataCipher(keys);
    const [a, b] = await cipher.seal([completed('globex', { n: 1 }), completed('globex', { n: 2 })], 'workflow-x');
    const swapped = { ...b, payload: { ...(b.payload as object), output: (a.payload as { output: unknown }).output } };
    const record = (event: Envelope, revision: number) => ({ stream: 's', revision, position: { commit: 1, prepare: revision }, event, prevHash: '', hash: '' });
    const [moved] = await cipher.open([record(swapped, 0)]);
    expect(isSealed((moved.event.payload as { output: unknown }).output)).toBe(true);
    await expect(new TenantKeys(connector, randomBytes(32), { rememberMs: 0 }).keyOf((await keys.sealingKey('globex', 'runs')).name, false)).rejects.toThrow(/does not open with this master key/);
  });
});
