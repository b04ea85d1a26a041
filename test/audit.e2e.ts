import { EVENT_STORE_STREAM, signedBytes, type InclusionProof, type RecordedEvent, type SigningKeyRecord } from '@agentos/event-store';
import { EVENT_STORE_SUBJECT_PREFIX, NatsConnector } from '@agentos/messaging';
import { workflowStream } from '@agentos/orchestration';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliRunner } from './cli-runner';
import { startSystem, type RunningSystem } from './system';

/**
 * A system of its own for the describe block (each block's changes, a rotated key or deleted streams, stay in it)
 * and the CLI against it, with `env()` added to the CLI's environment.
 */
function auditedSystem(env: () => Record<string, string> = () => ({})) {
  const state = {} as { system: RunningSystem; work: string };
  beforeAll(async () => {
    state.system = await startSystem();
    state.work = mkdtempSync(join(tmpdir(), 'agentos-audit-'));
  }, 120_000);
  afterAll(() => state.system.stop(), 60_000);
  const agentos = cliRunner(() => ({ NATS_URL: state.system.nats.url, AGENTOS_TENANT: 'acme', AGENTOS_USER: 'auditor', AGENTOS_CONFIG: join(state.work, 'none.json'), ...env() }));
  return { state, agentos };
}

describe('audit: signed commits, against a real nats-server', () => {
  const { state, agentos } = auditedSystem();

  it('verifies a run signed by the orchestrator, and names the event an admin rewrote with the whole chain recomputed: bad signature', async () => {
    const { intentId } = await state.system.submit('summarise', { text: 'Pay the invoice. Then close the ticket.' });
    const intact = await agentos('replay', intentId, '--verify');
    expect([intact.code, intact.stderr]).toEqual([0, '']);
    expect(intact.stdout).toMatch(/hash chain intact and signed by its writer: \d+ events/);

    const stream = workflowStream(intentId);
    const records = await state.system.store.readStream(stream);
    expect(records.filter((r) => r.signature).length).toBeGreaterThan(1);
    const target = records.find((r) => r.event.type === 'TaskCompleted')!;
    await state.system.store.forge(stream, target.revision, (e) => ({ ...e, payload: { ...(e.payload as object), output: { summary: 'forged' } } }));
    const forged = await state.system.store.readStream(stream);
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
    const { intentId } = await state.system.submit('summarise', { text: 'Rotation keeps history.' });
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

  it('replays and re-executes a history recorded with TaskCompleted version 1, stored as it was recorded', async () => {
    const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures/history/summarise-v1.json'), 'utf8')) as { workflowId: string; records: RecordedEvent[] };
    const stream = workflowStream(fixture.workflowId);
    await state.system.store.append(stream, fixture.records.map((r) => r.event), { expectedRevision: 'no_stream' });
    const stored = await state.system.store.readStream(stream);
    expect(stored.map((r) => r.hash)).toEqual(fixture.records.map((r) => r.hash));
    const run = await agentos('replay', fixture.workflowId, '--re-execute');
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/TaskCompleted[\s\S]*IntentCompleted/);
    expect(run.stdout).toMatch(/re-executed \d+ decisions: same as recorded/);
  }, 60_000);
});

/** The README's offline procedure, written without the library: RFC 9162 2.1.3.2 over SHA-256. */
function checkOffline(proof: InclusionProof): boolean {
  const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
  let hash = sha(Buffer.from([0]), Buffer.from(proof.leaf));
  let index = proof.leafIndex;
  let last = proof.treeSize - 1;
  for (const sibling of proof.proof.map((p) => Buffer.from(p, 'hex'))) {
    if (index % 2 === 1 || index === last) {
      hash = sha(Buffer.from([1]), sibling, hash);
      while (index % 2 === 0 && index !== 0) [index, last] = [index >> 1, last >> 1];
    } else hash = sha(Buffer.from([1]), hash, sibling);
    [index, last] = [index >> 1, last >> 1];
  }
  return last === 0 && hash.toString('hex') === proof.root;
}

describe('audit: anchors catch deletion and truncation, against a real nats-server', () => {
  let auditKey: Record<string, string> = {};
  const { state, agentos } = auditedSystem(() => auditKey);

  it('anchors every head, proves one offline, and names a stream that lost its last 3 events and one deleted whole', async () => {
    const truncated = (await state.system.submit('summarise', { text: 'First run. It will be truncated.' })).intentId;
    const deleted = (await state.system.submit('summarise', { text: 'Second run. It will be deleted.' })).intentId;
    const kept = (await state.system.submit('summarise', { text: 'Third run. It stays.' })).intentId;
    const rotated = await agentos('keys', 'rotate', 'audit', '--print-secret');
    const [, name, secret] = /^AGENTOS_SECRET_(SIGNING_KEY_AUDIT)=(\S+)$/m.exec(rotated.stdout) ?? [];
    auditKey = { [`AGENTOS_SECRET_${name}`]: secret };

    const anchored = await agentos('audit', 'anchor');
    expect([anchored.code, anchored.stderr]).toEqual([0, '']);
    expect(anchored.stdout).toMatch(/^anchored \d+ streams at \S+: root [0-9a-f]{64}\n$/);
    const clean = await agentos('audit', 'verify');
    expect([clean.code, clean.stderr]).toEqual([0, '']);
    expect(clean.stdout).toMatch(/latest anchor #0 .*\n\d+ streams verified\n$/);

    // The auditor's offline check: the head is in the tree, and the anchor's signer is the published audit key.
    const printed = await agentos('audit', 'proof', workflowStream(kept));
    const proof = JSON.parse(printed.stdout) as InclusionProof;
    expect(proof.leaf).toMatch(new RegExp(`^${workflowStream(kept)}\n\\d+\n[0-9a-f]{64}$`));
    expect(checkOffline(proof)).toBe(true);
    expect(checkOffline({ ...proof, leaf: proof.leaf.replace(/\n\d+\n/, '\n0\n') })).toBe(false);
    const keys = JSON.parse((await agentos('--json', 'keys', 'ls')).stdout) as SigningKeyRecord[];
    const auditPublic = keys.find((k) => k.keyId === proof.anchor.signature?.keyId && k.service === 'audit')!;
    const signature = proof.anchor.signature!;
    const publicKey = createPublicKey({ key: Buffer.from(auditPublic.publicKey, 'base64'), format: 'der', type: 'spki' });
    expect(verify(null, signedBytes(proof.anchor.stream, proof.anchor.revision, proof.anchor.hash, signature.signedAt), publicKey, Buffer.from(signature.sig, 'base64'))).toBe(true);

    // As an admin with stream rights: the commits holding the last 3 events of one run, and every commit of another.
    const admin = new NatsConnector({ servers: state.system.nats.url, name: 'e2e-vandal' });
    const jsm = await admin.manager$();
    const records = await state.system.store.readStream(workflowStream(truncated));
    const lastThree = records.slice(-3);
    for (const seq of new Set(lastThree.map((r) => r.position.commit))) await jsm.streams.deleteMessage(EVENT_STORE_STREAM, seq, true);
    const subject = `${EVENT_STORE_SUBJECT_PREFIX}.${Buffer.from(workflowStream(deleted)).toString('base64url')}`;
    await jsm.streams.purge(EVENT_STORE_STREAM, { filter: subject });
    await admin.close();

    const run = await agentos('audit', 'verify');
    expect(run.code).toBe(1);
    const failed = run.stdout.split('\n').filter((line) => line.startsWith('FAILED'));
    expect(failed).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^FAILED ${workflowStream(truncated)}: went backwards: its head is revision \\d+, anchored at ${records.at(-1)!.revision}$`)),
        expect.stringMatching(new RegExp(`^FAILED ${workflowStream(deleted)}: disappeared: anchored at revision \\d+, no events now$`)),
      ]),
    );
    expect(failed.filter((line) => !line.includes(workflowStream(truncated)) && !line.includes(workflowStream(deleted)))).toEqual([]);
  }, 180_000);
});
