import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CLI, cliRunner } from './cli-runner';

const ROOT = join(__dirname, '..');
const agentos = cliRunner(() => ({ NATS_URL: 'nats://127.0.0.1:1', AGENTOS_CONFIG: join(tmpdir(), 'agentos-none.json') }));

/**
 * Which code `node <bin> --help` ran: the precompiled build, or the sources through swc. A preloaded probe looks
 * at what was loaded when the process exits (timing it instead would measure the machine's load).
 */
function startsFrom(): 'build' | 'swc' {
  const probe = join(mkdtempSync(join(tmpdir(), 'agentos-cli-probe-')), 'probe.js');
  writeFileSync(probe, "process.on('exit', () => process.stderr.write(Object.keys(require.cache).some((k) => k.includes('@swc-node')) ? 'swc' : 'build'));\n");
  const run = spawnSync(process.execPath, ['--require', probe, CLI, '--help'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stderr.trim().endsWith('swc') ? 'swc' : 'build';
}

describe('the agentos CLI as a process, without a server', () => {
  it('refuses a workflow file nested too deep naming the file, line and depth, not with a stack overflow', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'agentos-deep-')), 'deep.yaml');
    writeFileSync(file, `name: deep\nsteps:\n  - id: a\n    capability: summarise\n    input:\n      x: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
    const run = await agentos('run', file);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`agentos: ${file} is invalid:\n  ${file}:6:70 nested more than 64 levels deep (a collection at depth 65 starts here)\n`);
    const inputFile = join(dirname(file), 'input.json');
    writeFileSync(inputFile, `{"x":\n${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    const withInput = await agentos('run', join(ROOT, 'examples/research-report.yaml'), '--input-file', inputFile);
    expect(withInput.stderr).toBe(`agentos: ${inputFile} is invalid:\n  ${inputFile}:2:64 nested more than 64 levels deep (a collection at depth 65 starts here)\n`);
  });

  it('starts from the precompiled build when it is current, and from the sources when one is newer', () => {
    execFileSync(process.execPath, ['-r', '@swc-node/register', 'scripts/build-app.ts', 'cli'], { cwd: ROOT });
    expect(startsFrom()).toBe('build');
    // A source edited after the build: the build is stale and must not run.
    const source = join(ROOT, 'apps/cli/src/main.ts');
    const { atime, mtime } = statSync(source);
    const later = new Date(Date.now() + 60_000);
    utimesSync(source, later, later);
    try {
      expect(startsFrom()).toBe('swc');
    } finally {
      utimesSync(source, atime, mtime);
    }
    expect(startsFrom()).toBe('build');
  }, 120_000);
});
