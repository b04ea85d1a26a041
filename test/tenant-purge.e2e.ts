import { defineAgent, type AgentDefinition } from '@agentos/agent-sdk';
import { createMessage } from '@agentos/contracts';
import type { NatsConnector } from '@agentos/messaging';
import { waitFor } from '@agentos/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { cliRunner } from './cli-runner';
import { startSystem, type RunningSystem } from './system';

/** Uses a tool with no secret and writes memory: its tenant's data lands in inputs, tool calls, memory and outputs. */
const archivist = defineAgent({
  name: 'archivist',
  version: '1.0.0',
  owner: 'test-team',
  capabilities: ['archive'],
  input: z.object({ goal: z.string(), text: z.string() }),
  tools: { lookup: { input: z.object({ term: z.string() }), run: async ({ term }: { term: string }) => ({ term, entries: 1 }) } },
  async handle({ text }, ctx) {
    const found = await ctx.tools.call<{ entries: number }>('lookup', { term: text });
    await ctx.memory.put('archived', { text, entries: found.entries });
    return { archived: text };
  },
});

const ALLOW = `version: purge-1
rules:
  - { id: allow-intents, effect: allow, actions: [intent.submit], reason: test }
  - { id: allow-memory, effect: allow, actions: [memory.read, memory.write], reason: test }
  - { id: lookup-tool, effect: allow, actions: [tool.call], resources: [lookup], reason: test }
`;

const ACME_SECRET_PLAN = 'acme-plan-kestrel-7731';
const GLOBEX_PLAN = 'globex-plan-osprey-2209';
const forms = (text: string) => [text, Buffer.from(text).toString('base64'), Buffer.from(text).toString('base64url')];

describe('tenant purge: crypto-shredding, against a real nats-server with every principal on its own user', () => {
  const masterKey = randomBytes(32).toString('base64');
  let system: RunningSystem;
  let work: string;
  /** The CLI as a NATS user: `cli` (the platform operator) reads, `admin` purges. */
  const as = (user: 'cli' | 'admin') =>
    cliRunner(() => ({ NATS_URL: system.nats.url, NATS_CREDS: system.nats.credentials![user].creds, AGENTOS_TENANT: 'acme', AGENTOS_CONFIG: join(work, 'none.json'), AGENTOS_SECRET_TENANT_MASTER_KEY: masterKey }));
  const agentos = as('cli');

  /** Every message of every stream on the server (bus streams, KV buckets, the event store), byte for byte. */
  async function occurrences(text: string): Promise<string[]> {
    const jsm = await system.client.unwrap<NatsConnector>().manager$();
    const found: string[] = [];
    for await (const stream of jsm.streams.list()) {
      for (let seq = stream.state.first_seq; stream.state.messages > 0 && seq <= stream.state.last_seq; seq += 1) {
        const stored = await jsm.streams.getMessage(stream.config.name, { seq }).catch(() => undefined);
        if (!stored) continue;
        const raw = `${stored.subject} ${Buffer.from(stored.data).toString()} ${stored.header ? JSON.stringify([...stored.header.keys()].map((k) => stored.header.get(k))) : ''}`;
        if (forms(text).some((form) => raw.includes(form))) found.push(`${stream.config.name}#${seq}`);
      }
    }
    return found;
  }

  beforeAll(async () => {
    system = await startSystem([archivist as AgentDefinition<never, unknown>], { tenantMasterKey: masterKey, auth: true });
    work = mkdtempSync(join(tmpdir(), 'agentos-purge-'));
    await system.client.publishMessage(createMessage('PublishPolicyBundle', { yaml: ALLOW, source: 'purge.yaml' }, { tenant: 'system', actor: { kind: 'user', id: 'oncall' } }));
    await waitFor(() => system.client.query(createMessage('GetPolicyBundle', {}, system.origin)), (b) => b.version === 'purge-1');
  }, 120_000);

  afterAll(() => system.stop(), 60_000);

  it('erases a tenant: no plaintext left on the server, every chain still verifies, its replay shows [erased], another tenant untouched', async () => {
    const acme = await system.submit('archive', { text: ACME_SECRET_PLAN });
    const globex = await system.submit('archive', { text: GLOBEX_PLAN }, { tenant: 'globex' });
    expect([acme.events.at(-1)?.type, globex.events.at(-1)?.type]).toEqual(['IntentCompleted', 'IntentCompleted']);
    expect(acme.events.at(-1)?.payload).toMatchObject({ output: { archived: ACME_SECRET_PLAN } });

    // Sealed in the event store from the start; in clear on the bus and in memory until the purge.
    const before = await occurrences(ACME_SECRET_PLAN);
    expect(before.filter((place) => place.startsWith('AGENTOS_EVENT_STORE#'))).toEqual([]);
    expect(before.some((place) => place.startsWith('KV_agentos_memory#'))).toBe(true);
    expect(before.some((place) => place.startsWith('AGENTOS_COMMANDS#'))).toBe(true);
    const shown = await agentos('replay', acme.intentId);
    expect(shown.stdout).toContain(ACME_SECRET_PLAN);

    const purged = await as('admin')('tenant', 'purge', 'acme');
    expect([purged.code, purged.stderr]).toEqual([0, '']);
    expect(purged.stdout).toMatch(/^purged tenant acme: data key deleted .*, [1-9]\d* memory values, [1-9]\d* step-ledger entries of [1-9]\d* runs, [1-9]\d* bus messages\n$/);

    expect(await occurrences(ACME_SECRET_PLAN)).toEqual([]);
    expect((await occurrences(GLOBEX_PLAN)).length).toBeGreaterThan(0);

    // Chains and signatures cover the ciphertext: every stream on the server still verifies.
    const audited = await agentos('audit', 'verify');
    expect([audited.code, audited.stderr]).toEqual([0, '']);
    expect(audited.stdout).toMatch(/\d+ streams verified\n$/);

    const erased = await agentos('replay', acme.intentId, '--verify');
    expect(erased.code).toBe(0);
    expect(erased.stdout).not.toContain(ACME_SECRET_PLAN);
    expect(erased.stdout).toMatch(/IntentCompleted\s+service:orchestrator\s+output "\[erased\]"/);
    const memory = await system.client.query(createMessage('GetMemory', { scope: 'workflow', scopeId: acme.intentId, key: 'archived' }, system.origin));
    expect(memory).toMatchObject({ found: false });

    const other = await agentos('replay', globex.intentId, '--verify', '--re-execute');
    expect([other.code, other.stderr]).toEqual([0, '']);
    expect(other.stdout).toMatch(new RegExp(`IntentCompleted\\s+service:orchestrator\\s+output \\{"archived":"${GLOBEX_PLAN}"\\}`));
    expect(other.stdout).toMatch(/re-executed \d+ decisions: same as recorded/);
  }, 180_000);
});
