import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Supervisor, type BackoffOptions, type SupervisorOptions } from './supervisor';
import type { AgentTemplate, AgentTemplates } from './templates';

// Real child processes, run by this very node binary from tiny scripts in a temp dir.
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'agentos-supervisor-')));
const SCRIPTS: Record<string, string> = {
  'crash.js': 'setTimeout(() => process.exit(1), 100);',
  'slow-crash.js': 'setTimeout(() => process.exit(1), 150);',
  'forever.js': "console.log('ready'); setInterval(() => undefined, 1000);",
  // Ignores SIGTERM, so only the SIGKILL after the grace period ends it.
  'stubborn.js': "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('ready'); setInterval(() => undefined, 1000);",
  'env.js':
    'const e = process.env; console.log(JSON.stringify({ id: e.AGENTOS_INSTANCE_ID, a: e.SUP_A, b: e.SUP_B, cwd: process.cwd(), signing: e.AGENTOS_SECRET_SIGNING_KEY_ORCHESTRATOR, master: e.AGENTOS_SECRET_TENANT_MASTER_KEY, token: e.AGENTOS_SECRET_API_TOKEN })); setInterval(() => undefined, 1000);',
  // More than a pipe buffer holds (64 KiB): it only gets to exit if someone reads its output.
  'flood.js': "process.stdout.write('x'.repeat(4 << 20) + '\\n'); process.stderr.write('y'.repeat(1 << 20)); process.exit(3);",
};
for (const [name, body] of Object.entries(SCRIPTS)) writeFileSync(join(dir, name), body);
mkdirSync(join(dir, 'sub'));

const template = (agent: string, script: string, extra: Partial<AgentTemplate> = {}): AgentTemplate => ({
  agent,
  args: [join(dir, script)],
  cwd: '.',
  env: {},
  maxInstances: 10,
  ...extra,
});

const TEMPLATES: AgentTemplates = {
  crash: template('crasher', 'crash.js'),
  'slow-crash': template('crasher', 'slow-crash.js'),
  forever: template('sleeper', 'forever.js'),
  stubborn: template('sleeper', 'stubborn.js'),
  capped: template('sleeper', 'forever.js', { maxInstances: 2 }),
  env: template('env', 'env.js', { cwd: 'sub', env: { SUP_A: 'template' } }),
  'alpha-one': template('alpha', 'forever.js'),
  'alpha-two': template('alpha', 'forever.js'),
  beta: template('beta', 'forever.js'),
  flood: template('flood', 'flood.js'),
  vanishing: template('vanishing', 'crash.js', { cwd: 'vanishing' }),
  nowhere: template('nowhere', 'forever.js', { cwd: 'missing' }),
  unrunnable: template('unrunnable', 'forever.js', { command: join(dir, 'no-such-binary') }),
};

type Recorded = { type: string; at: number } & Record<string, unknown>;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function until(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const started: Supervisor[] = [];
const pids = new Set<number>();

/** A supervisor whose events and output lines are recorded, stopped after each test. */
function harness(backoff: Partial<BackoffOptions> = {}, extra: Partial<SupervisorOptions> = {}, hooks: Partial<Record<string, () => void>> = {}) {
  const events: Recorded[] = [];
  const lines: Array<{ instanceId: string; stream: string; line: string }> = [];
  const record = (type: string) => (e: object) => {
    events.push({ type, at: Date.now(), ...e });
    if (type === 'spawned') pids.add((e as { pid: number }).pid);
    hooks[type]?.();
  };
  const supervisor = new Supervisor({
    templates: TEMPLATES,
    root: dir,
    env: { SUP_A: 'supervisor', SUP_B: 'supervisor' },
    backoff,
    log: (instanceId, stream, line) => lines.push({ instanceId, stream, line }),
    events: { spawned: record('spawned'), exited: record('exited'), terminated: record('terminated'), spawnFailed: record('spawnFailed') },
    ...extra,
  });
  started.push(supervisor);
  const of = (type: string) => events.filter((e) => e.type === type);
  const said = (line: string, instanceId?: string) => () => lines.some((l) => l.line === line && (instanceId === undefined || l.instanceId === instanceId));
  return { supervisor, events, lines, of, said };
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop(500)));
  // No test may leave a process behind.
  expect([...pids].filter(alive)).toEqual([]);
  pids.clear();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Supervisor.spawn', () => {
  it('rejects an unknown template, naming the known ones', () => {
    const { supervisor } = harness();
    expect(() => supervisor.spawn('nope')).toThrow(
      new Error('unknown template "nope"; known templates: alpha-one, alpha-two, beta, capped, crash, env, flood, forever, nowhere, slow-crash, stubborn, unrunnable, vanishing'),
    );
  });

  it('enforces maxInstances before starting anything', async () => {
    const { supervisor } = harness();
    expect(() => supervisor.spawn('capped', { count: 3 })).toThrow(new Error('template "capped" allows at most 2 instances: 0 live, 3 requested'));
    expect(supervisor.list()).toEqual([]);
    const two = supervisor.spawn('capped', { count: 2 });
    expect(two.map((i) => i.instanceId)).toEqual([expect.stringMatching(/^capped-[0-9a-f]{8}$/), expect.stringMatching(/^capped-[0-9a-f]{8}$/)]);
    expect(new Set(two.map((i) => i.instanceId)).size).toBe(2);
    expect(() => supervisor.spawn('capped')).toThrow(new Error('template "capped" allows at most 2 instances: 2 live, 1 requested'));
    // A terminated instance frees its place.
    await supervisor.terminate(two[0].instanceId, 'test');
    expect(supervisor.spawn('capped')).toHaveLength(1);
  });

  it("gives the child its instance id, cwd under root, and template env over supervisor env over process env, without the service's own keys", async () => {
    const { supervisor, lines } = harness();
    const secrets = { AGENTOS_SECRET_SIGNING_KEY_ORCHESTRATOR: 'signing-seed', AGENTOS_SECRET_TENANT_MASTER_KEY: 'master', AGENTOS_SECRET_API_TOKEN: 'for-agents' };
    Object.assign(process.env, secrets);
    const [instance] = (() => {
      try {
        return supervisor.spawn('env', { instanceId: 'my_worker-1' });
      } finally {
        for (const name of Object.keys(secrets)) delete process.env[name];
      }
    })();
    expect(instance).toEqual({ instanceId: 'my_worker-1', pid: expect.any(Number) });
    await until('the env line', () => lines.length > 0);
    expect(lines[0].stream).toBe('stdout');
    // The signing key and the master key stay with the service; other secrets pass as before.
    expect(JSON.parse(lines[0].line)).toEqual({ id: 'my_worker-1', a: 'template', b: 'supervisor', cwd: join(dir, 'sub'), token: 'for-agents' });
    expect(supervisor.list()).toEqual([
      { instanceId: 'my_worker-1', template: 'env', agent: 'env', pid: instance.pid, restarts: 0, startedAt: expect.any(String), state: 'running' },
    ]);
    expect(() => supervisor.spawn('env', { instanceId: 'my_worker-1' })).toThrow(new Error('instance "my_worker-1" already exists'));
    expect(() => supervisor.spawn('env', { instanceId: 'bad.id' })).toThrow(/must be 1-128 characters of A-Z, a-z, 0-9, _ or -/);
  });

  it('throws when the process cannot start, leaving nothing behind', () => {
    const { supervisor } = harness();
    expect(() => supervisor.spawn('nowhere')).toThrow(new Error(`cannot start template "nowhere": cwd ${join(dir, 'missing')} does not exist`));
    expect(() => supervisor.spawn('unrunnable')).toThrow(/^cannot start template "unrunnable": could not run .*no-such-binary/);
    expect(supervisor.list()).toEqual([]);
  });

  it('drains child output even without a log callback, so a chatty child is never blocked', async () => {
    const { supervisor, of } = harness({ initialMs: 5_000 }, { log: undefined });
    supervisor.spawn('flood');
    await until('the flood child to exit', () => of('exited').length > 0);
    expect(of('exited')[0]).toMatchObject({ code: 3, signal: null });
  });
});

describe('restarts', () => {
  it('restarts a crashed process under the same instance id with doubling, capped backoff', async () => {
    const states: string[] = [];
    const { supervisor, of } = harness({ initialMs: 50, maxMs: 200, resetAfterMs: 10_000 }, {}, {
      exited: () => states.push(...supervisor.list().map((i) => `${i.state}:${i.pid}`)),
    });
    const [{ instanceId }] = supervisor.spawn('crash');
    await until('five starts', () => of('spawned').length >= 5);
    const spawned = of('spawned').slice(0, 5);
    const exited = of('exited').slice(0, 4);
    expect(spawned.map((e) => [e.instanceId, e.restarts])).toEqual([0, 1, 2, 3, 4].map((n) => [instanceId, n]));
    expect(new Set(spawned.map((e) => e.pid)).size).toBe(5);
    expect(exited.map((e) => [e.code, e.signal, e.willRestartInMs])).toEqual([
      [1, null, 50],
      [1, null, 100],
      [1, null, 200],
      [1, null, 200],
    ]);
    // The next start comes no sooner than promised, and not much later.
    exited.forEach((e, i) => {
      const gap = spawned[i + 1].at - e.at;
      expect(gap).toBeGreaterThanOrEqual((e.willRestartInMs as number) - 5);
      expect(gap).toBeLessThan((e.willRestartInMs as number) + 1_000);
    });
    // Between a crash and its restart the slot is listed as restarting, without a pid.
    expect(states.slice(0, 4)).toEqual(Array(4).fill('restarting:null'));
  });

  it('resets the backoff after a run of at least resetAfterMs', async () => {
    const { supervisor, of } = harness({ initialMs: 50, maxMs: 1_000, resetAfterMs: 100 });
    supervisor.spawn('slow-crash'); // each run lasts 150 ms, longer than resetAfterMs
    await until('three crashes', () => of('exited').length >= 3);
    expect(of('exited').slice(0, 3).map((e) => e.willRestartInMs)).toEqual([50, 50, 50]);
  });

  it('retries a restart that cannot start a process, with the same backoff', async () => {
    mkdirSync(join(dir, 'vanishing'), { recursive: true });
    // The cwd disappears after the first crash and is back once a restart has failed.
    const { supervisor, events, of } = harness({ initialMs: 50, maxMs: 1_000, resetAfterMs: 10_000 }, {}, {
      exited: () => of('exited').length === 1 && rmSync(join(dir, 'vanishing'), { recursive: true }),
      spawnFailed: () => mkdirSync(join(dir, 'vanishing')),
    });
    supervisor.spawn('vanishing');
    await until('the restart after the failed one', () => of('spawned').length >= 2);
    expect(events.slice(0, 4).map(({ type, restarts, willRestartInMs, error }) => ({ type, restarts, willRestartInMs, error }))).toEqual([
      { type: 'spawned', restarts: 0, willRestartInMs: undefined, error: undefined },
      { type: 'exited', restarts: undefined, willRestartInMs: 50, error: undefined },
      { type: 'spawnFailed', restarts: undefined, willRestartInMs: 100, error: `cannot start template "vanishing": cwd ${join(dir, 'vanishing')} does not exist` },
      { type: 'spawned', restarts: 2, willRestartInMs: undefined, error: undefined },
    ]);
  });
});

describe('termination', () => {
  it('terminates a running instance with SIGTERM and never restarts it', async () => {
    const { supervisor, events, said } = harness({ initialMs: 50 });
    const [{ instanceId, pid }] = supervisor.spawn('forever');
    await until('ready', said('ready'));
    await expect(supervisor.terminate(instanceId, 'scale down')).resolves.toBe(true);
    expect(alive(pid)).toBe(false);
    await sleep(300); // several backoff periods: a restart would have shown by now
    expect(events.map(({ type, code, signal, willRestartInMs, reason }) => ({ type, code, signal, willRestartInMs, reason }))).toEqual([
      { type: 'spawned', code: undefined, signal: undefined, willRestartInMs: undefined, reason: undefined },
      { type: 'exited', code: null, signal: 'SIGTERM', willRestartInMs: null, reason: undefined },
      { type: 'terminated', code: undefined, signal: undefined, willRestartInMs: undefined, reason: 'scale down' },
    ]);
    expect(supervisor.list()).toEqual([]);
    await expect(supervisor.terminate(instanceId, 'again')).resolves.toBe(false);
    await expect(supervisor.terminate('never-existed', 'x')).resolves.toBe(false);
  });

  it('cancels a pending restart', async () => {
    const { supervisor, of } = harness({ initialMs: 300 });
    const [{ instanceId }] = supervisor.spawn('crash');
    await until('the crash', () => of('exited').length === 1);
    expect(supervisor.list()[0]).toMatchObject({ instanceId, state: 'restarting', pid: null });
    await expect(supervisor.terminate(instanceId, 'operator')).resolves.toBe(true);
    await sleep(500); // past the 300 ms restart that was pending
    expect(of('spawned')).toHaveLength(1);
    expect(of('terminated')).toEqual([expect.objectContaining({ instanceId, template: 'crash', agent: 'crasher', reason: 'operator' })]);
    expect(supervisor.list()).toEqual([]);
  });

  it('kills a child that ignores SIGTERM once the grace period is over; concurrent calls share the outcome', async () => {
    const { supervisor, of, said } = harness();
    const [{ instanceId, pid }] = supervisor.spawn('stubborn');
    await until('ready', said('ready')); // its SIGTERM handler is installed
    const begun = Date.now();
    const both = Promise.all([supervisor.terminate(instanceId, 'kill', 300), supervisor.terminate(instanceId, 'kill again', 300)]);
    await until('the stopping state', () => supervisor.list()[0]?.state === 'stopping');
    await expect(both).resolves.toEqual([true, true]);
    const took = Date.now() - begun;
    expect(took).toBeGreaterThanOrEqual(295);
    expect(took).toBeLessThan(3_000);
    expect(said('ignoring SIGTERM')()).toBe(true);
    expect(of('exited')).toEqual([expect.objectContaining({ pid, code: null, signal: 'SIGKILL', willRestartInMs: null })]);
    expect(of('terminated')).toEqual([expect.objectContaining({ instanceId, reason: 'kill' })]);
    expect(alive(pid)).toBe(false);
  });

  it('terminateAgent ends every instance of that agent, across templates, and nothing else', async () => {
    const { supervisor, of } = harness();
    const alpha = [...supervisor.spawn('alpha-one', { count: 2 }), ...supervisor.spawn('alpha-two')];
    const [beta] = supervisor.spawn('beta');
    const ids = await supervisor.terminateAgent('alpha', 'kill switch');
    expect([...ids].sort()).toEqual(alpha.map((i) => i.instanceId).sort());
    expect(alpha.filter((i) => alive(i.pid))).toEqual([]);
    expect(of('terminated').map((e) => [e.agent, e.reason])).toEqual(Array(3).fill(['alpha', 'kill switch']));
    expect(supervisor.list().map((i) => i.instanceId)).toEqual([beta.instanceId]);
    expect(alive(beta.pid)).toBe(true);
    await expect(supervisor.terminateAgent('nobody', 'x')).resolves.toEqual([]);
  });

  it('stop() ends every process, cancels pending restarts and refuses new spawns', async () => {
    const { supervisor, of, said } = harness({ initialMs: 300 });
    const [stubborn] = supervisor.spawn('stubborn');
    const running = [...supervisor.spawn('forever', { count: 2 }), stubborn];
    supervisor.spawn('crash');
    await until('stubborn ready and the crash pending a restart', () => said('ready', stubborn.instanceId)() && of('exited').length === 1);
    await supervisor.stop(300);
    expect(running.filter((i) => alive(i.pid))).toEqual([]);
    expect(supervisor.list()).toEqual([]);
    expect(of('terminated').map((e) => e.reason)).toEqual(Array(4).fill('supervisor stopping'));
    expect(() => supervisor.spawn('forever')).toThrow(new Error('supervisor is stopped'));
    await sleep(400); // past the pending restart
    expect(of('spawned')).toHaveLength(4);
  });
});
