import { startService } from '@agentos/service-host';
import { startNatsServer, type NatsServerHandle } from '@agentos/testing';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Writable } from 'node:stream';
import { policyService } from '../apps/policy/src/policy.module';
import { PolicyState } from '../apps/policy/src/policy.state';

const DEFAULT_BUNDLE = readFileSync(join(__dirname, '../config/policy/default.yaml'), 'utf8');
const withVersion = (version: string) => DEFAULT_BUNDLE.replace(/^version: .*$/m, `version: ${version}`);

describe('policy bundle precedence (AGENTOS_POLICY_BUNDLE against `agentos policy apply`)', () => {
  let nats: NatsServerHandle;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    nats = await startNatsServer();
    dir = mkdtempSync(join(tmpdir(), 'agentos-bundle-'));
    file = join(dir, 'bundle.yaml');
  });

  afterAll(async () => {
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts policy, returns the version in force and the start log's choice, and stops it. */
  async function startPolicy(publish?: string): Promise<{ version: string; logged: Record<string, unknown> | undefined }> {
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
    const app = await startService(policyService, { env: { NATS_URL: nats.url, AGENTOS_POLICY_BUNDLE: file }, log, handleSignals: false });
    try {
      const state = app.get(PolicyState);
      if (publish) await state.publishBundle(publish);
      return { version: state.policy.bundle.version, logged: lines.find((line) => line.event === 'policy.bundle') };
    } finally {
      await app.close();
    }
  }

  it('the file until a bundle is published, the published one until the file changes, and says why at start', async () => {
    writeFileSync(file, withVersion('file-1'));
    expect(await startPolicy()).toMatchObject({ version: 'file-1', logged: { source: 'file', file, reason: 'no bundle has been published' } });

    await startPolicy(withVersion('applied-1'));
    expect(await startPolicy()).toMatchObject({ version: 'applied-1', logged: { source: 'published', version: 'applied-1', reason: expect.stringContaining('policy apply') } });

    writeFileSync(file, withVersion('file-2'));
    expect(await startPolicy()).toMatchObject({ version: 'file-2', logged: { source: 'file', reason: expect.stringContaining('the file changed') } });
    expect(await startPolicy()).toMatchObject({ version: 'file-2', logged: { source: 'file', reason: 'the file is in force and nothing was published over it' } });
  }, 60_000);
});
