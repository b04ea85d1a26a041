import { createMessage, newId, subjectOf, type MessageOf } from '@agentos/contracts';
import { JetStreamClientProxy, NatsConnector, deadLetterFor } from '@agentos/messaging';
import { readStoredMessages, startNatsServer, type NatsServerHandle } from '@agentos/testing';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, cliRunner } from './cli-runner';

/** A letter as a service's worker parks it: the message's bytes as they arrived on their subject. */
function park(service: string, subject: string, original: unknown, reason: 'invalid-message' | 'refused', error: string, seq: number) {
  const data = Buffer.from(typeof original === 'string' ? original : JSON.stringify(original));
  return deadLetterFor({ service, consumer: `${service}-SubmitIntent`, message: { subject, seq, data, info: { deliveryCount: 1 } }, reason, error });
}

describe('agentos dlq, against a real nats-server', () => {
  let nats: NatsServerHandle;
  let client: JetStreamClientProxy;
  const agentos = cliRunner(() => ({ NATS_URL: nats.url, AGENTOS_TENANT: 'acme', AGENTOS_USER: 'oncall', AGENTOS_CONFIG: join(mkdtempSync(join(tmpdir(), 'agentos-dlq-')), 'none.json') }));
  const stored = async <T>(stream: string) => readStoredMessages<T>(await client.unwrap<NatsConnector>().manager$(), stream);

  // Mallory's intent, refused by its handler; a submission that is not an intent; another tenant's intent.
  const mallory = createMessage('SubmitIntent', { intentId: newId(), goal: 'summarise the memo', capability: 'summarise' }, { tenant: 'acme', actor: { kind: 'user', id: 'mallory' } });
  const refused = park('orchestrator', subjectOf(mallory), mallory, 'refused', 'the registry had no summariser then', 7);
  const invalid = park('orchestrator', subjectOf(mallory), { ...mallory, payload: { goal: '' } }, 'invalid-message', 'payload.intentId: Invalid UUID', 8);
  const globex = createMessage('SubmitIntent', { intentId: newId(), goal: 'x', capability: 'summarise' }, { tenant: 'globex', actor: { kind: 'user', id: 'bob' } });
  const foreign = park('policy', subjectOf(globex), globex, 'refused', 'over budget', 9);

  beforeAll(async () => {
    nats = await startNatsServer();
    client = new JetStreamClientProxy(new NatsConnector({ servers: [nats.url], name: 'dlq-test' }));
    await client.connect();
    for (const letter of [refused, invalid, foreign]) await client.publishMessage(letter);
  });

  afterAll(async () => {
    await client.close();
    await nats.stop();
  });

  it('lists the letters, filtered by service, reason and time, and shows one whole', async () => {
    const ids = async (...args: string[]) => (await agentos('dlq', 'ls', ...args)).stdout.trim().split('\n').map((l) => l.split(' ')[0]);
    expect(await ids()).toEqual([refused.id, invalid.id, foreign.id]);
    expect(await ids('--service', 'orchestrator', '--reason', 'refused')).toEqual([refused.id]);
    expect(await ids('--since', new Date(Date.now() + 60_000).toISOString())).toEqual(['no']);
    const shown = await agentos('dlq', 'show', invalid.id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`reason invalid-message: payload.intentId: Invalid UUID`);
    expect(shown.stdout).toContain('"goal": ""');
    expect(await agentos('dlq', 'show', newId())).toMatchObject({ code: 1, stderr: expect.stringMatching(/^agentos: no dead letter [\da-f-]{36} \(agentos dlq ls lists them\)\n$/) });
  });

  it('exits cleanly when its reader goes away first (piped into head)', () => {
    // `true` exits at once: every line the CLI writes goes to a closed pipe (EPIPE).
    const run = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" dlq ls | true; exit \${PIPESTATUS[0]}`], { env: { ...process.env, NATS_URL: nats.url, AGENTOS_CONFIG: join(tmpdir(), 'agentos-none.json') }, encoding: 'utf8' });
    expect({ code: run.status, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it("re-sends a letter's original as the operator's own message, once, and records it; never as its first sender", async () => {
    const run = await agentos('dlq', 'redrive', refused.id);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const commands = await stored<MessageOf<'SubmitIntent'>>('AGENTOS_COMMANDS');
    const resent = commands.find((m) => m.causationId === refused.id);
    // Mallory's words, the operator's identity: the broker's subject tokens and the envelope both say oncall.
    expect(resent).toMatchObject({ type: 'SubmitIntent', tenant: 'acme', actor: { kind: 'user', id: 'oncall' }, correlationId: mallory.correlationId, payload: mallory.payload });
    expect(resent?.id).not.toBe(mallory.id);
    expect(run.stdout).toBe(`redriven ${refused.id}: re-sent its SubmitIntent as ${resent?.id} on agentos.cmd.intent.submit.acme.user-oncall, as user:oncall\n`);
    const records = (await stored<MessageOf<'RedriveDeadLetter'>>('AGENTOS_DEAD_LETTERS')).filter((m) => m.type === 'RedriveDeadLetter');
    expect(records.map((r) => r.payload)).toEqual([{ letterId: refused.id, resentAs: resent?.id, type: 'SubmitIntent', subject: 'agentos.cmd.intent.submit.acme.user-oncall' }]);
    expect((await agentos('dlq', 'ls')).stdout).toMatch(new RegExp(`^${refused.id} .* \\[redriven\\] `, 'm'));
    expect((await agentos('dlq', 'redrive', refused.id)).stderr).toMatch(/^agentos: dead letter \S+ was redriven already, .+ by oncall, as /);
  });

  it('refuses what still fails validation, and another tenant\'s letter, with the reason', async () => {
    const invalidRun = await agentos('dlq', 'redrive', invalid.id);
    expect(invalidRun.code).toBe(1);
    expect(invalidRun.stderr).toMatch(new RegExp(`^agentos: dead letter ${invalid.id} cannot be redriven: the original still fails validation: .*payload\\.intentId`));
    const foreignRun = await agentos('dlq', 'redrive', foreign.id);
    expect(foreignRun.stderr).toBe(`agentos: dead letter ${foreign.id} cannot be redriven: the original belongs to tenant globex: redrive it acting for that tenant (--tenant globex), if you may\n`);
    const commands = await stored<MessageOf<'SubmitIntent'>>('AGENTOS_COMMANDS');
    expect(commands.filter((m) => m.causationId === invalid.id || m.causationId === foreign.id)).toEqual([]);
  });
});
