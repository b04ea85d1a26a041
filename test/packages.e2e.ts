import { createMessage } from '@agentos/contracts';
import { waitFor } from '@agentos/testing';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGES, buildPackage } from '../scripts/pack-packages';
import { startSystem, type RunningSystem } from './system';

/** An agent, written outside the repository against the installed @agentos/agent-sdk. */
const AGENT = `
const { defineAgent, runAgent } = require('@agentos/agent-sdk');
const { z } = require('zod');
const shouter = defineAgent({
  name: 'shouter', version: '1.0.0', owner: 'outside', capabilities: ['shout'],
  input: z.object({ text: z.string() }),
  async handle({ text }) { return { shouted: text.toUpperCase() }; },
});
runAgent(shouter, { nats: { servers: process.env.NATS_URL, name: 'shouter' }, instanceId: 'outside-1' });
`;

/** A client, written outside the repository against the installed @agentos/client: submits and follows to the outcome. */
const CLIENT = `
const { AgentOSClient } = require('@agentos/client');
(async () => {
  const client = new AgentOSClient({ servers: process.env.NATS_URL, tenant: 'acme', user: 'outsider' });
  const run = await client.submitIntent({ goal: 'shout it', capability: 'shout', input: { text: 'installed' } });
  const outcome = await run.settled({ timeoutMs: 60000 });
  process.stdout.write(JSON.stringify({ type: outcome.type, payload: outcome.payload }));
  await client.close();
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe('the installable packages, packed and installed into a project outside the repository', () => {
  let system: RunningSystem;
  let project: string;
  let agent: ReturnType<typeof spawn> | undefined;

  beforeAll(async () => {
    const tarballs = PACKAGES.map((lib) => buildPackage(lib));
    project = mkdtempSync(join(tmpdir(), 'agentos-outside-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'outside', version: '1.0.0', private: true }));
    // From the local npm cache where it can (the registry only for what it lacks).
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs], { cwd: project, stdio: 'pipe', timeout: 400_000 });
    system = await startSystem();
  }, 600_000);

  afterAll(async () => {
    agent?.kill('SIGTERM');
    await system?.stop();
  }, 60_000);

  it('installs each package with its type declarations and nothing that resolves only inside the repository', () => {
    for (const lib of PACKAGES) {
      const dir = join(project, 'node_modules', '@agentos', lib);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { main: string; types: string };
      expect(existsSync(join(dir, manifest.main))).toBe(true);
      expect(existsSync(join(dir, manifest.types))).toBe(true);
      const entry = readFileSync(join(dir, manifest.main), 'utf8');
      expect(entry).not.toMatch(/@agentos\/|\/work\/|tsconfig/);
    }
  });

  it('runs an agent written there: it registers, takes a step and completes, followed by a client written there', async () => {
    writeFileSync(join(project, 'agent.js'), AGENT);
    writeFileSync(join(project, 'client.js'), CLIENT);
    agent = spawn(process.execPath, ['agent.js'], { cwd: project, env: { PATH: process.env.PATH, NATS_URL: system.nats.url, LOG_LEVEL: 'warn' }, stdio: 'ignore' });
    await waitFor(() => system.client.query(createMessage('FindAgents', { capability: 'shout' }, system.origin)), (reply) => reply.agents.length > 0, { what: 'the outside agent to register', timeoutMs: 30_000 });
    const output = await new Promise<string>((resolve, reject) => {
      const client = spawn(process.execPath, ['client.js'], { cwd: project, env: { PATH: process.env.PATH, NATS_URL: system.nats.url } });
      let out = '';
      let err = '';
      client.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      client.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      client.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`client exited ${code}: ${err}`))));
    });
    expect(JSON.parse(output)).toMatchObject({ type: 'IntentCompleted', payload: { output: { shouted: 'INSTALLED' } } });
  }, 120_000);
});
