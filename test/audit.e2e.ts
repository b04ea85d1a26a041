import type { SigningKeyRecord } from '@agentos/event-store';
import { workflowStream } from '@agentos/orchestration';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliRunner } from './cli-runner';
import { startSystem, type RunningSystem } from './system';

describe('audit: signed commits, against a real nats-server', () => {
  let system: RunningSystem;
  let work: string;
  const agentos = cliRunner(() => ({ NATS_URL: system.nats.url, AGENTOS_TENANT: 'acme', AGENTOS_USER: 'auditor', AGENTOS_CONFIG: join(work, 'none.json') }));

  beforeAll(async () => {
    system = await startSystem();
    work = mkdtempSync(join(tmpdir(), 'agentos-audit-'));
  }, 120_000);

  afterAll(async () => {
    await system.stop();
  }, 60_000);

  it('verifies a run signed by the orchestrator, and names the event an admin rewrote with the whole chain recomputed: bad signature', async () => {
    const { intentId } = await system.submit('summarise', { text: 'Pay the invoice. Then close the ticket.' });
    const intact = await agentos('replay', intentId, '--verify');
    expect([intact.code, intact.stderr]).toEqual([0, '']);
    expect(intact.stdout).toMatch(/hash chain intact and signed by its writer: \d+ events/);

    const stream = workflowStream(intentId);
    const records = await system.store.readStream(stream);
    expect(records.filter((r) => r.signature).length).toBeGreaterThan(1);
    const target = records.find((r) => r.event.type === 'TaskCompleted')!;
    await system.store.forge(stream, target.revision, (e) => ({ ...e, payload: { ...(e.payload as object), output: { summary: 'forged' } } }));
    const forged = await system.store.readStream(stream);
    expect((forged[target.revision].event.payload as { output: unknown }).output).toEqual({ summary: 'forged' });
    // The forger recomputed every hash: the chain alone no longer tells.
    expect(forged.every((r, i) => i === 0 || r.prevHash === forged[i - 1].hash)).toBe(true);

    const run = await agentos('replay', intentId, '--verify');
    expect(run.code).toBe(1);
    const [, first, last] = /TAMPERED: event #(\d+) \([^)]+\): bad signature: the signature of key \w+ \(orchestrator\) does not match the event(?: \(altered, and the chain recomputed\))?(?: \(events #\d+–#(\d+), signed together\))?/.exec(run.stdout) ?? [];
    expect(first).toBeDefined();
    expect(target.revision).toBeGreaterThanOrEqual(Number(first));
    expect(target.revision).toBeLessThanOrEqual(Number(last ?? first));
  }, 120_000);

  it('rotates a service key as the admin: the old key ends now, what it signed still verifies', async () => {
    const { intentId } = await system.submit('summarise', { text: 'Rotation keeps history.' });
    const rotated = await agentos('keys', 'rotate', 'orchestrator', '--print-secret');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/^published key [0-9a-f]{32} of orchestrator[\s\S]*retired +key [0-9a-f]{32} of orchestrator, valid until \S+[\s\S]*AGENTOS_SECRET_SIGNING_KEY_ORCHESTRATOR=\S+\n$/);
    const listed = await agentos('--json', 'keys', 'ls');
    const keys = JSON.parse(listed.stdout) as SigningKeyRecord[];
    expect(keys.filter((k) => k.service === 'orchestrator').map((k) => Boolean(k.validUntil))).toEqual([true, false]);
    expect(new Set(keys.map((k) => k.service))).toEqual(new Set(['orchestrator', 'policy', 'memory', 'registry', 'audit']));
    const verified = await agentos('replay', intentId, '--verify');
    expect([verified.code, verified.stderr]).toEqual([0, '']);
  }, 120_000);
});
