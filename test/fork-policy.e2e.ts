import { defineAgent, type AgentDefinition } from '@agentos/agent-sdk';
import { createMessage, newId, type MessageOf } from '@agentos/contracts';
import { orchestrationDecider, workflowStream } from '@agentos/orchestration';
import { reExecute } from '@agentos/replay';
import { waitFor } from '@agentos/testing';
import { parseWorkflowDocument } from '@agentos/workflow';
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { cliRunner } from './cli-runner';
import { startSystem, type RunningSystem } from './system';

const work = mkdtempSync(join(tmpdir(), 'agentos-fork-policy-'));
const EFFECTS = join(work, 'effects.log');
const effects = () => (existsSync(EFFECTS) ? readFileSync(EFFECTS, 'utf8').trim().split('\n') : []);

const preparer = defineAgent({
  name: 'fp-preparer',
  version: '1.0.0',
  owner: 'test-team',
  capabilities: ['fp-prepare'],
  input: z.object({ order: z.string() }),
  async handle({ order }) {
    appendFileSync(EFFECTS, `prepare ${order}\n`);
    return { prepared: order };
  },
});

/** Fails while `broken`; waits at `gate` if one is set; then asks policy whether it may write to the ledger, and says what it was told. */
let broken = true;
let gate: Promise<void> | undefined;
const filer = defineAgent({
  name: 'fp-filer',
  version: '1.0.0',
  owner: 'test-team',
  capabilities: ['fp-file'],
  input: z.object({ order: z.string() }),
  async handle({ order }, ctx) {
    appendFileSync(EFFECTS, `file ${order}\n`);
    if (broken) throw new Error('ledger offline');
    await gate;
    const verdict = await ctx.policy.check('tool.call', { kind: 'tool', name: 'ledger' });
    return { effect: verdict.effect, bundle: verdict.bundleVersion, reason: verdict.reason };
  },
});

const bundle = (version: string) =>
  [
    `version: ${version}`,
    'rules:',
    '  - { id: allow-intents, effect: allow, actions: [intent.submit], reason: tests }',
    '  - { id: ledger, effect: allow, actions: [tool.call], resources: [ledger], reason: the ledger is open }',
    '',
  ].join('\n');

const filing = parseWorkflowDocument(
  [
    'name: filing',
    'steps:',
    '  - { id: prepare, capability: fp-prepare, input: { order: "${input.order}" } }',
    '  - { id: file, needs: [prepare], capability: fp-file, retries: 0, input: { order: "${steps.prepare.output.prepared}" } }',
    '',
  ].join('\n'),
  'filing.yaml',
);

describe('a reset pinned to a policy bundle version, end to end against a real nats-server', () => {
  let system: RunningSystem;
  const agentos = cliRunner(() => ({ NATS_URL: system.nats.url, AGENTOS_TENANT: 'acme', AGENTOS_USER: 'oncall', AGENTOS_CONFIG: join(work, 'none.json') }));
  const publish = async (version: string) => {
    await system.client.publishMessage(createMessage('PublishPolicyBundle', { yaml: bundle(version), source: `${version}.yaml` }, { tenant: 'system', actor: { kind: 'user', id: 'oncall' } }));
    await waitFor(() => system.client.query(createMessage('GetPolicyBundle', {}, system.origin)), (b) => b.version === version, { what: `bundle ${version} in force` });
  };
  const ended = (runId: string) => system.recorded(runId, (e) => ['WorkflowCompleted', 'WorkflowFailed', 'WorkflowRejected'].includes(e.type), `run ${runId} to end`);
  const outcome = async (runId: string) => (await ended(runId)).find((e) => ['WorkflowCompleted', 'WorkflowFailed', 'WorkflowRejected'].includes(e.type))!;
  const reset = async (runId: string, policy: string) => {
    const forked = await agentos('runs', 'reset', runId, '--to', 'file', '--policy', policy);
    expect(forked).toMatchObject({ code: 0, stdout: expect.stringContaining(`under policy bundle ${policy}`) });
    return /new run ([\da-f-]{36})/.exec(forked.stdout)![1];
  };

  beforeAll(async () => {
    system = await startSystem([preparer, filer] as AgentDefinition<never, unknown>[]);
    await publish('fp-1');
  }, 60_000);

  afterAll(() => system.stop());

  it('runs the fork under that bundle only: refused while another is in force, decided by it once it is, and its agent\'s own checks too', async () => {
    const runId = newId();
    await system.client.publishMessage(createMessage('RunWorkflow', { workflowId: runId, definition: filing, input: { order: 'p-1' } }, system.origin));
    expect((await outcome(runId)).type).toBe('WorkflowFailed');
    broken = false;

    // The fixed bundle is not in force yet: a fork pinned to it is refused at once, and no run starts.
    const early = await agentos('runs', 'reset', runId, '--to', 'file', '--policy', 'fp-2');
    expect(early.code).toBe(1);
    expect(`${early.stdout}${early.stderr}`).toContain('policy bundle fp-2 is not in force (fp-1): publish it, then reset pinned to it');
    expect((await system.history(runId)).filter((e) => e.type === 'RunForked')).toEqual([]);

    await publish('fp-2');
    const forkId = await reset(runId, 'fp-2');
    const done = await outcome(forkId);
    expect(done).toMatchObject({ type: 'WorkflowCompleted', payload: { output: { file: { effect: 'allow', bundle: 'fp-2' } } } });
    const events = await system.history(forkId);
    expect(events.find((e) => e.type === 'WorkflowStarted')?.payload).toMatchObject({ forkedFrom: { runId, step: 'file', policyBundle: 'fp-2' } });
    // The run's check, its step's, and its agent's tool check: each decided under fp-2.
    const decided = events.filter((e) => e.type === 'PolicyDecided') as MessageOf<'PolicyDecided'>[];
    expect(decided.map((e) => [e.payload.action, e.payload.resource.kind, e.payload.bundleVersion])).toEqual([
      ['intent.submit', 'workflow', 'fp-2'],
      ['intent.submit', 'capability', 'fp-2'],
      ['tool.call', 'tool', 'fp-2'],
    ]);
    expect(events.find((e) => e.type === 'TaskAssigned')?.payload).toMatchObject({ stepId: 'file', policyBundle: 'fp-2' });
    // The preparation was reused in every fork: it ran once, in the parent.
    expect(effects().filter((l) => l === 'prepare p-1')).toHaveLength(1);
    expect(reExecute(await system.store.readStream(workflowStream(forkId)), orchestrationDecider).divergence).toBeUndefined();
    expect((await agentos('replay', forkId)).stdout).toContain(`run ${forkId} is a fork of run ${runId} from step file, under policy bundle fp-2`);

    // A bundle put in force while the fork's agent works: the agent's own check is decided under the pin, so denied.
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const heldFork = await reset(runId, 'fp-2');
    await waitFor(effects, (lines) => lines.filter((l) => l === 'file p-1').length === 3, { what: 'the fork\'s agent to start' });
    await publish('fp-3');
    open();
    expect(await outcome(heldFork)).toMatchObject({ type: 'WorkflowCompleted', payload: { output: { file: { effect: 'deny', bundle: 'fp-3', reason: 'the run is pinned to policy bundle fp-2; fp-3 is in force' } } } });
  }, 90_000);
});
