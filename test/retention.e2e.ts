import { defineAgent, type AgentDefinition } from '@agentos/agent-sdk';
import { createMessage, EVENT_STREAMS, type MessageOf } from '@agentos/contracts';
import type { NatsConnector } from '@agentos/messaging';
import { waitFor } from '@agentos/testing';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { CLI, cliRunner } from './cli-runner';
import { storedOccurrences, textForms } from './stored-text';
import { startSystem, type RunningSystem } from './system';

/** Writes its input to the run's memory and echoes it: the tenant's data lands in inputs, memory and outputs. */
const keeper = defineAgent({
  name: 'keeper',
  version: '1.0.0',
  owner: 'test-team',
  capabilities: ['keep'],
  input: z.object({ goal: z.string(), text: z.string() }),
  async handle({ text }, ctx) {
    await ctx.memory.put('kept', { text });
    return { kept: text };
  },
});

/** Short rules for acme only, so the test drives time in seconds; globex keeps everything. */
const BUNDLE = `version: retention-1
retention:
  tenants:
    acme: { memory: 4s, runs: 4s }
rules:
  - { id: allow-intents, effect: allow, actions: [intent.submit], reason: test }
  - { id: allow-memory, effect: allow, actions: [memory.read, memory.write], reason: test }
`;

const OLD = 'acme-ledger-heron-5120';
const FRESH = 'acme-ledger-plover-8841';
const GLOBEX = 'globex-ledger-wren-3307';

describe('retention rules: erased by crypto-shredding on schedule, recorded, with audit intact, against a real nats-server', () => {
  const masterKey = randomBytes(32).toString('base64');
  let system: RunningSystem;
  let work: string;
  let auditKey: Record<string, string> = {};
  const cliEnv = (user: 'cli' | 'admin') => ({
    NATS_URL: system.nats.url,
    NATS_CREDS: system.nats.credentials![user].creds,
    AGENTOS_TENANT: 'acme',
    AGENTOS_CONFIG: join(work, 'none.json'),
    AGENTOS_SECRET_TENANT_MASTER_KEY: masterKey,
    ...auditKey,
  });
  const as = (user: 'cli' | 'admin') => cliRunner(() => cliEnv(user));
  const agentos = as('cli');

  const occurrences = (text: string) => storedOccurrences(system.client.unwrap<NatsConnector>(), textForms(text));


  const memoryOf = (intentId: string, tenant = 'acme') =>
    system.client.query(createMessage('GetMemory', { scope: 'workflow', scopeId: intentId, key: 'kept' }, { ...system.origin, tenant }));

  beforeAll(async () => {
    // A data key seals one second of a tenant's data, so a rule of seconds erases within a second of it.
    system = await startSystem([keeper as AgentDefinition<never, unknown>], { tenantMasterKey: masterKey, auth: true, env: { AGENTOS_DATA_KEY_PERIOD: '1s' } });
    work = mkdtempSync(join(tmpdir(), 'agentos-retention-'));
    await system.client.publishMessage(createMessage('PublishPolicyBundle', { yaml: BUNDLE, source: 'retention.yaml' }, { tenant: 'system', actor: { kind: 'user', id: 'oncall' } }));
    await waitFor(() => system.client.query(createMessage('GetPolicyBundle', {}, system.origin)), (b) => b.version === 'retention-1');
    const rotated = await as('admin')('keys', 'rotate', 'audit', '--print-secret');
    const [, name, secret] = /^AGENTOS_SECRET_(SIGNING_KEY_AUDIT)=(\S+)$/m.exec(rotated.stdout) ?? [];
    auditKey = { [`AGENTOS_SECRET_${name}`]: secret };
  }, 120_000);

  afterAll(() => system.stop(), 60_000);

  it("erases acme's data past its rule and only that: replay shows [erased], the chains and the anchor still verify, the pass is recorded", async () => {
    const old = await system.submit('keep', { text: OLD });
    const globex = await system.submit('keep', { text: GLOBEX }, { tenant: 'globex' });
    expect([old.events.at(-1)?.type, globex.events.at(-1)?.type]).toEqual(['IntentCompleted', 'IntentCompleted']);
    const anchored = await as('admin')('audit', 'anchor');
    expect([anchored.code, anchored.stderr]).toEqual([0, '']);

    // Past the rule (4 s) and the period of the old run's keys (1 s); the fresh run is within it when the pass runs.
    await sleep(5_500);
    const fresh = await system.submit('keep', { text: FRESH });
    expect((await memoryOf(old.intentId)).found).toBe(true);

    const pass = await as('admin')('retention', 'apply');
    expect([pass.code, pass.stderr]).toEqual([0, '']);
    expect(pass.stdout).toMatch(/^erased acme memory written before \S+: [1-9]\d* data keys, [1-9]\d* memory values, 0 step-ledger entries, [1-9]\d* bus messages$/m);
    expect(pass.stdout).toMatch(/^erased acme runs written before \S+: [1-9]\d* data keys, 0 memory values, [1-9]\d* step-ledger entries, [1-9]\d* bus messages$/m);
    expect(pass.stdout).toMatch(/retention pass under bundle retention-1: 2 rules erased data\n$/);

    // Recorded, signed by the audit job: which tenant, which kind, how much, up to when.
    const recorded = (await system.store.readStream(EVENT_STREAMS.retention())).map((r) => r.event as MessageOf<'RetentionApplied'>);
    expect(recorded.map((e) => [e.type, e.payload.tenant, e.payload.kind, e.payload.retainedForMs])).toEqual([
      ['RetentionApplied', 'acme', 'memory', 4_000],
      ['RetentionApplied', 'acme', 'runs', 4_000],
    ]);
    // Up to the end of the period of the old run's last data of each kind: its completion (runs), and its memory
    // write, which came after its task was assigned (the two may fall in different periods).
    const writtenAfter = { runs: old.events.at(-1)!, memory: old.events.find((e) => e.type === 'TaskAssigned')! };
    for (const { payload } of recorded) {
      expect(Date.parse(payload.erasedUpTo)).toBeLessThanOrEqual(Date.parse(payload.before));
      expect(Date.parse(payload.erasedUpTo)).toBeGreaterThan(Date.parse(writtenAfter[payload.kind as 'runs' | 'memory'].occurredAt));
    }

    // The old run's data is gone from every stream and bucket; the fresh run's and globex's are not.
    expect(await occurrences(OLD)).toEqual([]);
    expect((await occurrences(FRESH)).length).toBeGreaterThan(0);
    expect((await occurrences(GLOBEX)).length).toBeGreaterThan(0);
    expect([(await memoryOf(old.intentId)).found, (await memoryOf(fresh.intentId)).found, (await memoryOf(globex.intentId, 'globex')).found]).toEqual([false, true, true]);

    const replayed = await agentos('replay', old.intentId, '--verify');
    expect([replayed.code, replayed.stderr]).toEqual([0, '']);
    expect(replayed.stdout).not.toContain(OLD);
    expect(replayed.stdout).toMatch(/IntentCompleted\s+service:orchestrator\s+output "\[erased\]"/);
    const kept = await agentos('replay', fresh.intentId, '--verify', '--re-execute');
    expect([kept.code, kept.stderr]).toEqual([0, '']);
    expect(kept.stdout).toContain(FRESH);
    expect(kept.stdout).toMatch(/re-executed \d+ decisions: same as recorded/);

    // Nothing was rewritten or removed from a history: every stream verifies against the anchor taken before the pass.
    const audited = await agentos('audit', 'verify');
    expect([audited.code, audited.stderr]).toEqual([0, '']);
    expect(audited.stdout).toMatch(/latest anchor #0 .*\n\d+ streams verified\n$/);

    // On a schedule: the job keeps applying the rules, and erases the fresh run's data once it too is past the rule.
    const job = spawn(process.execPath, [CLI, 'retention', 'apply', '--every', '1s'], { env: { ...process.env, ...cliEnv('admin') }, stdio: 'ignore' });
    try {
      await waitFor(() => memoryOf(fresh.intentId), (m) => !m.found, { timeoutMs: 30_000, what: "the fresh run's memory to expire" });
      const passes = await waitFor(() => system.store.readStream(EVENT_STREAMS.retention()), (r) => r.length >= 4, { timeoutMs: 30_000, what: 'the scheduled pass to be recorded' });
      expect(passes.slice(2).map((r) => [r.event.type, (r.event.payload as { kind: string }).kind])).toEqual([
        ['RetentionApplied', 'memory'],
        ['RetentionApplied', 'runs'],
      ]);
    } finally {
      job.kill('SIGTERM');
    }
    expect(await occurrences(FRESH)).toEqual([]);
    expect((await agentos('audit', 'verify')).code).toBe(0);
  }, 180_000);
});
