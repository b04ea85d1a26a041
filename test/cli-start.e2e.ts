import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CLI, cliRunner } from './cli-runner';

const ROOT = join(__dirname, '..');
const agentos = cliRunner(() => ({ NATS_URL: 'nats://127.0.0.1:1', AGENTOS_CONFIG: join(tmpdir(), 'agentos-none.json') }));

/** The median wall time of `node <bin> --help`, in ms. */
function medianStartMs(runs: number): number {
  const times = Array.from({ length: runs }, () => {
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr);
    return Number(process.hrtime.bigint() - started) / 1e6;
  });
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
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

  it('starts from the precompiled build, at least twice as fast as through swc', () => {
    const swcMs = medianStartMs(3);
    execFileSync(process.execPath, ['-r', '@swc-node/register', 'scripts/build-app.ts', 'cli'], { cwd: ROOT });
    const builtMs = medianStartMs(5);
    // Under load both slow down alike; on an idle 2-core machine the build starts in ~100 ms (README).
    expect(builtMs).toBeLessThan(swcMs / 2);
  }, 120_000);
});
