import { EVENT_STORE_STREAM, JetStreamEventStore } from '@agentos/event-store';
import type { NatsConnector } from '@agentos/messaging';
import { workflowStream } from '@agentos/orchestration';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliRunner } from './cli-runner';
import { startSystem, type RunningSystem } from './system';

const FIXTURES = join(__dirname, 'fixtures/replay');

describe('the agentos CLI, as a child process against a real nats-server', () => {
  let system: RunningSystem;
  let work: string;
  let intentId: string;
  const agentos = cliRunner(() => ({ NATS_URL: system.nats.url, AGENTOS_TENANT: 'acme', AGENTOS_USER: 'oncall', AGENTOS_CONFIG: join(work, 'none.json') }));

  beforeAll(async () => {
    system = await startSystem();
    work = mkdtempSync(join(tmpdir(), 'agentos-cli-'));
  });

  afterAll(async () => {
    await system.stop();
  }, 60_000); // stopping waits for in-flight work, slower on a loaded machine

  it('bootstraps idempotently: the harness already did, so every stream and bucket is unchanged', async () => {
    const run = await agentos('bootstrap');
    expect([run.code, run.stderr]).toEqual([0, '']);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^unchanged +AGENTOS_EVENT_STORE$/), expect.stringMatching(/^unchanged +KV_agentos_step_ledger$/)]));
    expect(lines.filter((line) => !line.startsWith('unchanged'))).toEqual([]);
  });

  it('submits an intent from a YAML file and follows it to its result', async () => {
    const file = join(work, 'intent.yaml');
    writeFileSync(file, 'goal: summarise the memo\ncapability: summarise\ninput:\n  text: The memo is short. It has two sentences.\n');
    const run = await agentos('submit', file);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [first] = run.stdout.split('\n');
    intentId = /submitted intent ([\da-f-]{36})/.exec(first)?.[1] as string;
    expect(intentId).toBeDefined();
    for (const step of ['IntentSubmitted', 'PolicyDecided', 'TaskAssigned', 'TaskCompleted', 'IntentCompleted']) expect(run.stdout).toContain(step);
    expect(run.stdout).toMatch(/IntentCompleted\s+output \{"summary":"The memo is short\.","words":8,"sentences":2\}/);
  });

  it('exits non-zero when the intent is refused, and rejects a bad intent file naming the line', async () => {
    const denied = join(work, 'denied.yaml');
    writeFileSync(denied, 'goal: clean up\ncapability: delete-files\n');
    const run = await agentos('submit', denied);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/IntentRejected\s+destructive capabilities need a reviewed bundle/);
    const bad = join(work, 'bad.yaml');
    writeFileSync(bad, 'goal: x\ncapability: Not A Name\n');
    const refused = await agentos('submit', bad);
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toMatch(new RegExp(`^agentos: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is invalid:\\n  ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:13 capability: must be a lower-case name`));
  });

  it('replays the timeline of a workflow, and its state at a point', async () => {
    const run = await agentos('replay', intentId, '--at', '3');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n').filter((l) => l.startsWith('#'));
    expect(lines.map((l) => /^#\s*\d+ \S+\s+(\w+)/.exec(l)?.[1])).toEqual(['DecisionInputRecorded', 'IntentSubmitted', 'PolicyCheckRequested', 'PolicyDecided']);
    expect(run.stdout).toMatch(/PolicyDecided\s+service:policy rule=allow-intents/);
    expect(run.stdout).toMatch(/state at #3 \(.+\): awaiting-policy; spent \{"tokens":0,"cost":0,"steps":0\}; memory \{\}\n {2}main +waiting\n/);
  });

  it('re-executes the recorded decisions: same code agrees, a changed decider diverges at the assignment', async () => {
    const same = await agentos('replay', intentId, '--re-execute');
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/re-executed 4 decisions: same as recorded/);
    const changed = await agentos('replay', intentId, '--decider', join(FIXTURES, 'changed-decider.ts'));
    expect(changed.code).toBe(1);
    const records = await system.store.readStream(workflowStream(intentId));
    const assignmentInput = records.find((r) => r.event.type === 'DecisionInputRecorded' && (r.event.payload as { input: { kind: string } }).input.kind === 'assign');
    expect(changed.stdout).toContain(`DIVERGENCE at event #${assignmentInput?.revision} (input of AssignTask)`);
    expect(changed.stdout).toMatch(/recomputed: .*"priority":"high"/);
  });

  it('reports which decisions a stricter policy would change, and writes an incident report', async () => {
    const report = join(work, 'incident.md');
    const run = await agentos('replay', intentId, '--policy', join(FIXTURES, 'no-summaries.yaml'), '--report', report);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/what if .*no-summaries\.yaml: 1 of \d+ policy decisions would change/);
    expect(run.stdout).toMatch(/intent\.submit on capability summarise: allow \(allow-intents\) → deny \(no-summaries: summaries are paused while the incident is investigated\)/);
    expect(readFileSync(report, 'utf8')).toMatch(/^# Incident report: workflow [\s\S]*Hash chain: intact[\s\S]*## What if/);
    expect(existsSync(join(work, 'incident.html'))).toBe(true);
    expect(readFileSync(join(work, 'incident.html'), 'utf8')).toContain('<h1>Incident report: workflow');
  });

  it('verifies the hash chain and names the altered event', async () => {
    const records = await system.store.readStream(workflowStream(intentId));
    const target = records.find((r) => r.event.type === 'TaskCompleted')!;
    await system.store.tamper(workflowStream(intentId), target.revision, (e) => ({ ...e, payload: { ...(e.payload as object), output: { summary: 'forged' } } }));
    const run = await agentos('replay', intentId, '--verify');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`TAMPERED: event #${target.revision} (${target.event.id}): its content does not match its recorded hash`);
  });

  it('says what is wrong in one line, without a stack trace unless --debug', async () => {
    const unknown = await agentos('replay', '00000000-0000-4000-8000-000000000000');
    expect(unknown).toMatchObject({ code: 1, stdout: '', stderr: 'agentos: unknown workflow 00000000-0000-4000-8000-000000000000: no events in workflow-00000000-0000-4000-8000-000000000000\n' });
    const down = await agentos('agents', 'ls', '--nats-url', 'nats://127.0.0.1:1');
    expect(down).toMatchObject({ code: 1, stderr: 'agentos: cannot reach NATS at nats://127.0.0.1:1 (connection refused)\n' });
    const debug = await agentos('--debug', 'replay', '00000000-0000-4000-8000-000000000000');
    expect(debug.stderr).toMatch(/^agentos: unknown workflow[^\n]*\nError: unknown workflow[\s\S]*at /);
  });

  it('lists agents and workflows, shows them, and shows and applies policy', async () => {
    const agents = await agentos('agents', 'ls');
    expect(agents.stdout).toMatch(/^summariser@1\.0\.0\s+owner=demo-team\s+capabilities=summarise/m);
    expect((await agentos('agents', 'show', 'summariser')).stdout).toMatch(/^summariser: 1 instance\(s\)\n  1\.0\.0\s+owner=demo-team/);
    const listed = await agentos('workflows', 'ls');
    expect(listed.stdout).toMatch(new RegExp(`^${intentId}  summarise\\s+acme\\s+completed\\s+\\d+ events`, 'm'));
    const ids = async (...filters: string[]) => (await agentos('workflows', 'ls', ...filters)).stdout.split('\n').map((l) => l.split(' ')[0]);
    expect(await ids('--status', 'completed', '--name', 'summarise', '--since', '1h')).toContain(intentId);
    expect(await ids('--status', 'rejected')).not.toContain(intentId);
    expect(await ids('--name', 'delete-files')).not.toContain(intentId);
    expect(await ids('--since', new Date(Date.now() + 60_000).toISOString())).toEqual(['no', '']);
    expect(await ids('--tenant', 'globex')).toEqual(['no', '']);
    expect(await ids('--tenant', 'acme')).toContain(intentId);
    const workflow = await agentos('workflows', 'show', intentId);
    expect(workflow.stdout).toMatch(new RegExp(`^workflow ${intentId}: completed; \\d+ events; spent \\{"tokens":0,"cost":0,"steps":1\\}`));
    const shown = await agentos('policy', 'show');
    expect(shown.stdout).toMatch(/^# bundle default-4 \(7 rules\)/);
    const applied = await agentos('policy', 'apply', join(FIXTURES, 'no-summaries.yaml'));
    expect(applied).toMatchObject({ code: 0, stdout: 'policy bundle stricter-1 (2 rules) is in force\n' });
  }, 120_000); // fourteen CLI processes

  // Last: it deletes the newest commit of the run's stream.
  it('reads what is left of a truncated stream and says which revisions are missing, instead of "unknown workflow"', async () => {
    const connector = system.client.unwrap<NatsConnector>();
    const records = await new JetStreamEventStore(connector).readStream(workflowStream(intentId));
    const newest = records.at(-1)!.position.commit;
    const lost = records.filter((r) => r.position.commit === newest).map((r) => r.revision);
    await (await connector.manager$()).streams.deleteMessage(EVENT_STORE_STREAM, newest, true);
    const run = await agentos('replay', intentId);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`agentos: workflow-${intentId}: stream truncated: revisions ${lost[0]}.. missing; showing the ${lost[0]} events left\n`);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('#'))).toHaveLength(lost[0]);
    const verify = await agentos('replay', intentId, '--verify');
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`TRUNCATED: revisions ${lost[0]}.. missing`);
  });
});
