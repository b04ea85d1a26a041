import { createMessage, newId } from '@agentos/contracts';
import { JetStreamClientProxy, NatsConnector, bootstrapNats } from '@agentos/messaging';
import { readStoredMessages, startNatsServer, userPrincipal, type NatsServerHandle } from '@agentos/testing';
import { connect, credsAuthenticator, type NatsConnection } from 'nats';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliRunner } from './cli-runner';

const PERMISSION_DENIED = /permissions violation/i;

const intent = (tenant: string, user: string) =>
  createMessage('SubmitIntent', { intentId: newId(), goal: 'summarise for the test', capability: 'summarise', input: { text: 'x' } }, { tenant, actor: { kind: 'user', id: user } });

/**
 * Principals are provisioned while NATS runs (decentralized JWT auth, libs/identity): one added with the CLI
 * connects at once, acts in its tenant only, and once revoked is cut off and refused, all without a restart.
 */
describe('agentos principals, against a nats-server in operator mode', () => {
  let nats: NatsServerHandle;
  let serverPid: number;
  const connectors: NatsConnector[] = [];
  const cli = cliRunner(() => ({ NATS_URL: nats.url, AGENTOS_IDENTITY_DIR: nats.identityDir as string }));
  const as = (creds: string) => {
    const connector = new NatsConnector({ servers: nats.url, name: `test-${connectors.length}`, creds });
    connectors.push(connector);
    return connector;
  };

  beforeAll(async () => {
    nats = await startNatsServer({ auth: true });
    await bootstrapNats({ servers: nats.url, name: 'principals-bootstrap', ...nats.credentials!.admin });
    serverPid = nats.pid;
  });

  afterAll(async () => {
    await Promise.all(connectors.map((c) => c.close().catch(() => undefined)));
    await nats?.stop();
  });

  it('issues a creds file for a tenant submitter, which connects and submits intents in its tenant only', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'agentos-principal-')), 'alice.creds');
    const added = await cli('principals', 'add', '--tenant', 'acme', '--role', 'submitter', '--name', 'alice', '--out', out, '--json');
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(added.stdout)).toEqual({ user: 'alice', tenant: 'acme', role: 'submitter', creds: out });
    expect(statSync(out).mode & 0o777).toBe(0o600);

    const alice = new JetStreamClientProxy(as(out));
    expect(await alice.publishMessage(intent('acme', 'alice'))).toMatchObject({ stream: 'AGENTOS_COMMANDS', duplicate: false });
    // Another tenant, or another person of its own: the broker refuses the subject.
    for (const forged of [intent('globex', 'alice'), intent('acme', 'bob')]) {
      await expect(alice.publishMessage(forged)).rejects.toThrow(PERMISSION_DENIED);
    }
    expect(nats.pid).toBe(serverPid);
  });

  it("lets the CLI log in with the creds file and act as its principal (user-alice of acme)", async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'agentos-intent-')), 'intent.yaml');
    writeFileSync(file, 'goal: summarise for the test\ncapability: summarise\ninput: { text: x }\n');
    const alice = cliRunner(() => ({ NATS_URL: nats.url, NATS_CREDS: join(nats.identityDir as string, 'creds', 'alice.creds'), AGENTOS_TENANT: 'acme' }));
    const submitted = await alice('submit', file, '--no-follow');
    expect(submitted).toMatchObject({ code: 0, stdout: expect.stringContaining('as alice@acme') });
    const intentId = /submitted intent (\S+)/.exec(submitted.stdout)?.[1];
    const stored = await readStoredMessages<{ type: string; tenant: string; actor: unknown; payload: { intentId: string } }>(await as(nats.credentials?.admin?.creds as string).manager$(), 'AGENTOS_COMMANDS');
    expect(stored.find((m) => m.payload.intentId === intentId)).toMatchObject({ type: 'SubmitIntent', tenant: 'acme', actor: { kind: 'user', id: 'alice' } });
    // Acting as someone else is refused by the broker.
    expect(await alice('submit', file, '--no-follow', '--user', 'mallory')).toMatchObject({ code: 1, stderr: expect.stringMatching(PERMISSION_DENIED) });
  });

  it('lists the principals issued, with tenant and role', async () => {
    const listed = await cli('principals', 'ls', '--json');
    expect(listed.code).toBe(0);
    const records = listed.stdout.trim().split('\n').map((line) => JSON.parse(line) as { user: string; tenant: string; role: string; revokedAt?: string });
    expect(records).toEqual(expect.arrayContaining([expect.objectContaining({ user: 'alice', tenant: 'acme', role: 'submitter' }), expect.objectContaining({ user: 'orchestrator', tenant: 'system', role: 'service' })]));
    expect(records.find((r) => r.user === 'alice')?.revokedAt).toBeUndefined();
  });

  it('names the bad option when a principal cannot be issued', async () => {
    expect(await cli('principals', 'add', '--tenant', 'acme', '--role', 'boss', '--name', 'x')).toMatchObject({ code: 1, stderr: expect.stringContaining('--role "boss"') });
    expect(await cli('principals', 'add', '--tenant', 'acme', '--role', 'approver')).toMatchObject({ code: 1, stderr: expect.stringContaining('--name is required') });
    expect(await cli('principals', 'add', '--tenant', 'Acme Corp', '--role', 'agent:scout')).toMatchObject({ code: 1, stderr: expect.stringContaining('--tenant "Acme Corp"') });
  });

  it('revokes a principal at once: its open connection is closed and a new one refused, without a restart', async () => {
    const principal = userPrincipal('carol', 'approver', 'acme');
    const { creds } = await nats.addPrincipal(principal);
    const credsText = readFileSync(creds);
    const open: NatsConnection = await connect({ servers: nats.url, authenticator: credsAuthenticator(credsText), reconnect: false });
    const closed = open.closed();

    const revoked = await cli('principals', 'revoke', 'carol');
    expect(revoked).toMatchObject({ code: 0, stderr: '' });
    expect(String(await closed)).toMatch(/revoked|authorization/i);
    await expect(connect({ servers: nats.url, authenticator: credsAuthenticator(credsText), reconnect: false })).rejects.toThrow(/authorization violation/i);

    const listed = JSON.parse((await cli('principals', 'ls', '--json')).stdout.trim().split('\n').find((line) => line.includes('"carol"')) as string) as { revokedAt?: string };
    expect(listed.revokedAt).toEqual(expect.any(String));
    // Others are untouched, and the server never restarted.
    const alice = new JetStreamClientProxy(as(nats.credentials?.admin?.creds as string));
    expect(await alice.publishMessage(intent('acme', 'alice'))).toMatchObject({ stream: 'AGENTOS_COMMANDS' });
    expect(nats.pid).toBe(serverPid);
  });

  it('keeps a revocation across a server restart', async () => {
    const { creds } = await nats.addPrincipal(userPrincipal('dave', 'auditor', 'acme'));
    const credsText = readFileSync(creds);
    await nats.revoke('dave');
    await nats.kill();
    await nats.restart();
    await expect(connect({ servers: nats.url, authenticator: credsAuthenticator(credsText), reconnect: false })).rejects.toThrow(/authorization violation/i);
  });
});
