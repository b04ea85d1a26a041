import { defineAgent, type AgentDefinition } from '@agentos/agent-sdk';
import { createMessage, newId, type Envelope, type MessageOf } from '@agentos/contracts';
import type { NatsConnector } from '@agentos/messaging';
import { orchestrationDecider, workflowStream } from '@agentos/orchestration';
import { reExecute } from '@agentos/replay';
import { readStoredMessages, waitFor } from '@agentos/testing';
import { parseWorkflowDocument } from '@agentos/workflow';
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { cliRunner } from './cli-runner';
import { startSystem, type RunningSystem } from './system';

/** What the agents' code did, one line per call, so a test can tell which steps really ran. */
const work = mkdtempSync(join(tmpdir(), 'agentos-run-control-'));
const EFFECTS = join(work, 'effects.log');
const effect = (line: string) => appendFileSync(EFFECTS, `${line}\n`);
const effects = () => (existsSync(EFFECTS) ? readFileSync(EFFECTS, 'utf8').trim().split('\n') : []);

/** Tasks held until the test releases them (by order and step), or until aborted. */
const held = new Map<string, () => void>();
function hold(key: string, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    held.set(key, resolve);
    signal.addEventListener('abort', () => (effect(`${key} aborted: ${(signal.reason as Error).message}`), reject(signal.reason)));
  });
}

const charger = defineAgent({
  name: 'rc-charger',
  version: '1.0.0',
  owner: 'test-team',
  capabilities: ['rc-charge'],
  input: z.object({ order: z.string(), hold: z.boolean() }),
  async handle({ order, hold: holding }, ctx) {
    effect(`charge ${order}`);
    if (holding) await hold(`charge ${order}`, ctx.signal);
    return { chargeId: `ch-${order}` };
  },
});

/** Ships at once, fails for good while `failing` holds the order, or holds until released or aborted. */
const failing = new Set<string>();
const shipper = defineAgent({
  name: 'rc-shipper',
  version: '1.0.0',
  owner: 'test-team',
  capabilities: ['rc-ship'],
  concurrency: 4,
  input: z.object({ order: z.string(), hold: z.boolean() }),
  async handle({ order, hold: holding }, ctx) {
    effect(`ship ${order}`);
    if (failing.has(order)) throw new Error(`no address for ${order}`);
    if (holding) await hold(`ship ${order}`, ctx.signal);
    return { shipped: order };
  },
});

const refunder = defineAgent({
  name: 'rc-refunder',
  version: '1.0.0',
  owner: 'test-team',
  capabilities: ['rc-refund'],
  input: z.object({ charge: z.string().nullable() }),
  async handle({ charge }) {
    effect(`refund ${charge}`);
    return { refunded: charge };
  },
});

/** Packs an order: version 1.0.0 has a bug that fails every order, 2.0.0 is the fix. */
const packer = (version: string) =>
  defineAgent({
    name: 'rc-packer',
    version,
    owner: 'test-team',
    capabilities: ['rc-pack'],
    input: z.object({ order: z.string() }),
    async handle({ order }) {
      effect(`pack ${order} on ${version}`);
      if (version === '1.0.0') throw new Error('label printer jammed');
      return { packed: order };
    },
  });

const order = (name: string) =>
  parseWorkflowDocument(
    [
      `name: ${name}`,
      'steps:',
      '  - id: charge',
      '    capability: rc-charge',
      '    input: { order: "${input.order}", hold: "${input.holdCharge}" }',
      '    onFailure: { compensate: refund }',
      '  - id: ship',
      '    capability: rc-ship',
      '    needs: [charge]',
      '    retries: 0',
      '    input: { order: "${input.order}", hold: "${input.holdShip}" }',
      'compensations:',
      '  - id: refund',
      '    capability: rc-refund',
      '    input: { charge: "${steps.charge.output.chargeId}" }',
      '',
    ].join('\n'),
    'order.yaml',
  );

describe('run control (cancel, pause, resume, retry), end to end against a real nats-server', () => {
  let system: RunningSystem;
  const agentos = cliRunner(() => ({ NATS_URL: system.nats.url, AGENTOS_TENANT: 'acme', AGENTOS_USER: 'oncall', AGENTOS_CONFIG: join(work, 'none.json') }));
  const types = (events: Envelope[]) => events.map((e) => e.type);
  const start = async (workflow: string, orderId: string, holding: { charge?: boolean; ship?: boolean } = {}) => {
    const workflowId = newId();
    const input = { order: orderId, holdCharge: holding.charge ?? false, holdShip: holding.ship ?? false };
    await system.client.publishMessage(createMessage('RunWorkflow', { workflowId, definition: order(workflow), input }, system.origin));
    return workflowId;
  };
  const until = (runId: string, type: string, what = `${type} in run ${runId}`) => system.recorded(runId, (e) => e.type === type, what);

  beforeAll(async () => {
    system = await startSystem([charger, shipper, refunder, packer('1.0.0'), packer('2.0.0')] as AgentDefinition<never, unknown>[]);
  }, 60_000);

  afterAll(async () => {
    held.forEach((release) => release());
    await system.stop();
  });

  it('cancels a run from the CLI: the running task is aborted, the compensation runs, the run ends cancelled with who and why', async () => {
    const runId = await start('order-cancel', 'o-1', { ship: true });
    await waitFor(effects, (lines) => lines.includes('ship o-1'), { what: 'shipping to start' });
    const cancel = await agentos('runs', 'cancel', runId, '--reason', 'wrong customer');
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toMatch(/RunCancelled\s+by user:oncall: wrong customer/);
    const events = await until(runId, 'RunCancelled');
    expect(events.find((e) => e.type === 'RunCancellationStarted')?.payload).toEqual({ runId, cancelledBy: 'user:oncall', reason: 'wrong customer', compensations: ['refund'] });
    expect(events.find((e) => e.type === 'RunCancelled')?.payload).toEqual({ runId, cancelledBy: 'user:oncall', reason: 'wrong customer', compensatedBy: ['refund'] });
    expect(effects()).toEqual(expect.arrayContaining(['charge o-1', 'ship o-1 aborted: cancelled: run cancelled by user:oncall: wrong customer', 'refund ch-o-1']));
    // The run is over: cancelling it again is refused, saying why, and records nothing but the refusal.
    const again = await agentos('runs', 'cancel', runId, '--reason', 'again');
    expect(again).toMatchObject({ code: 1, stdout: expect.stringContaining(`refused: run ${runId} already ended cancelled`) });
    const after = await until(runId, 'RunCommandRefused');
    expect(types(after).slice(types(events).length).filter((t) => t !== 'TaskFailed')).toEqual(['RunCommandRefused']);
  }, 60_000);

  it('pauses every run of a workflow: the running step finishes, the next does not start until resumed; the replay re-executes without divergence', async () => {
    const runId = await start('order-pause', 'o-2', { charge: true });
    await waitFor(effects, (lines) => lines.includes('charge o-2'), { what: 'charging to start' });
    expect(await agentos('runs', 'resume', runId)).toMatchObject({ code: 1, stdout: expect.stringContaining('refused: the run is not paused') });
    const pause = await agentos('runs', 'pause', '--workflow', 'order-pause', '--reason', 'incident 7', '--timeout', '3');
    expect(pause).toMatchObject({ code: 0, stdout: expect.stringContaining('1 run(s)') });
    expect((await until(runId, 'RunPaused')).find((e) => e.type === 'RunPaused')?.payload).toEqual({ runId, pausedBy: 'user:oncall', reason: 'incident 7' });
    expect(await agentos('runs', 'pause', runId, '--reason', 'twice')).toMatchObject({ code: 1, stdout: expect.stringContaining('refused: the run is already paused (by user:oncall)') });
    // The running step finishes; the next one does not start while the run is paused.
    held.get('charge o-2')!();
    await until(runId, 'StepCompleted', 'the running step to complete');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const paused = await system.history(runId);
    expect(types(paused).slice(types(paused).indexOf('StepCompleted') + 1)).toEqual([]);
    expect(effects()).not.toContain('ship o-2');
    const resume = await agentos('runs', 'resume', runId, '--reason', 'fixed');
    expect(resume).toMatchObject({ code: 0, stdout: expect.stringContaining('RunResumed') });
    const done = await until(runId, 'WorkflowCompleted');
    expect(types(done).indexOf('RunResumed')).toBeLessThan(types(done).indexOf('WorkflowCompleted'));
    expect(effects()).toContain('ship o-2');
    // Over now: a resume is refused, saying why.
    expect(await agentos('runs', 'resume', runId)).toMatchObject({ code: 1, stdout: expect.stringContaining(`refused: run ${runId} already ended completed`) });
    // Forked too: the run that was paused, resumed and forked, and its fork, re-execute without divergence.
    const reset = await agentos('runs', 'reset', runId, '--to', 'ship');
    const forkId = /new run ([\da-f-]{36})/.exec(reset.stdout)![1];
    await until(forkId, 'WorkflowCompleted');
    const parent = await system.store.readStream(workflowStream(runId));
    expect(parent.map((r) => r.event.type)).toEqual(expect.arrayContaining(['RunPaused', 'RunResumed', 'RunForked']));
    for (const history of [parent, await system.store.readStream(workflowStream(forkId))]) {
      const replayed = reExecute(history, orchestrationDecider);
      expect(replayed.divergence).toBeUndefined();
      expect(replayed.decisions).toBeGreaterThan(3);
    }
  }, 60_000);

  it('retries a failed run from its failed step: the completed step is not run again', async () => {
    failing.add('o-4');
    const runId = await start('order-retry', 'o-4');
    await until(runId, 'WorkflowFailed');
    expect(effects().filter((l) => l.startsWith('charge o-4') || l.startsWith('ship o-4'))).toEqual(['charge o-4', 'ship o-4']);
    failing.delete('o-4');
    const retry = await agentos('runs', 'retry', runId, '--reason', 'address fixed');
    expect(retry).toMatchObject({ code: 0, stdout: expect.stringMatching(/RunRetried\s+run .* from ship/) });
    const events = await until(runId, 'WorkflowCompleted');
    expect(events.find((e) => e.type === 'WorkflowCompleted')?.payload).toMatchObject({ output: { ship: { shipped: 'o-4' } } });
    // The charge ran once, before the failure; shipping ran again as attempt 2.
    expect(effects().filter((l) => l.startsWith('charge o-4'))).toEqual(['charge o-4']);
    expect(events.filter((e) => e.type === 'TaskQueued').map((e) => `${(e.payload as { stepId: string }).stepId}#${(e.payload as { attempt: number }).attempt}`)).toEqual(['charge#1', 'ship#1', 'ship#2']);
    expect(reExecute(await system.store.readStream(workflowStream(runId)), orchestrationDecider).divergence).toBeUndefined();
    // Completed now: another retry is refused.
    expect(await agentos('runs', 'retry', runId)).toMatchObject({ code: 1, stdout: expect.stringContaining('refused') });
  }, 60_000);

  it('resets a failed run to its failed step: a new run reuses the earlier output (the agent is not called for it), and replay shows both', async () => {
    failing.add('o-8');
    const runId = await start('order-reset', 'o-8');
    await until(runId, 'WorkflowFailed');
    failing.delete('o-8');
    const before = types(await system.history(runId));
    expect(await agentos('runs', 'reset', runId, '--to', 'deliver')).toMatchObject({ code: 1, stdout: expect.stringContaining('refused: the run has no step "deliver" (its steps: charge, ship)') });
    // Refused: the refusal is all the run's history gained.
    expect(types(await system.history(runId)).slice(before.length)).toEqual(['RunCommandRefused']);
    const reset = await agentos('runs', 'reset', runId, '--to', 'ship', '--reason', 'address fixed');
    expect(reset).toMatchObject({ code: 0, stdout: expect.stringMatching(/RunForked\s+new run [\da-f-]{36} from step ship, reusing charge/) });
    const newRunId = /new run ([\da-f-]{36})/.exec(reset.stdout)![1];
    const events = await until(newRunId, 'WorkflowCompleted');
    expect(events.find((e) => e.type === 'WorkflowStarted')?.payload).toMatchObject({ forkedFrom: { runId, step: 'ship' } });
    // The reused output keeps the labels recorded with it (built from the run's input).
    expect(events.find((e) => e.type === 'StepReused')?.payload).toEqual({ workflowId: newRunId, stepId: 'charge', fromRun: runId, output: { chargeId: 'ch-o-8' }, labels: [{ origin: 'user_input', source: 'input' }] });
    expect(events.filter((e) => e.type === 'TaskQueued').map((e) => (e.payload as { stepId: string }).stepId)).toEqual(['ship']);
    // The charge ran once, in the parent; shipping ran in both.
    expect(effects().filter((l) => l.endsWith(' o-8'))).toEqual(['charge o-8', 'ship o-8', 'ship o-8']);
    expect((await system.history(runId)).find((e) => e.type === 'RunForked')?.payload).toMatchObject({ newRunId, fromStep: 'ship', forkedBy: 'user:oncall', reused: { charge: { chargeId: 'ch-o-8' } } });
    expect((await agentos('replay', newRunId)).stdout).toMatch(new RegExp(`WorkflowStarted.*forked from run ${runId} at step ship[\\s\\S]*StepReused.*step charge: output of run ${runId}`));
    expect((await agentos('replay', runId)).stdout).toMatch(new RegExp(`RunForked.*new run ${newRunId} from step ship, reusing charge`));
    // Side by side: the fork's replay (and the parent's, with --compare) shows each step in both runs.
    const compared = await agentos('replay', runId, '--compare');
    expect(compared.code).toBe(0);
    expect(compared.stdout).toContain(`run ${newRunId} is a fork of run ${runId} from step ship`);
    expect(compared.stdout).toMatch(/\ncharge +completed on rc-charger@1\.0\.0 \{"chargeId":"ch-o-8"\} +REUSED \(agent not called\): output of the parent \{"chargeId":"ch-o-8"\}\n/);
    expect(compared.stdout).toMatch(/\nship +failed on rc-shipper@1\.0\.0: no address for o-8 +ran again: completed on rc-shipper@1\.0\.0 \{"shipped":"o-8"\}\n/);
    expect(compared.stdout).toMatch(/\noutcome +failed: step ship failed: no address for o-8 +completed/);
    expect((await agentos('replay', newRunId)).stdout).toContain(compared.stdout.slice(compared.stdout.indexOf(`run ${newRunId} is a fork`)));
    expect(reExecute(await system.store.readStream(workflowStream(newRunId)), orchestrationDecider).divergence).toBeUndefined();
  }, 60_000);

  it('resets a run with another agent version: the steps that version serves run on it, the earlier ones are reused; an unknown version is refused', async () => {
    const packing = parseWorkflowDocument(
      [
        'name: order-pack',
        'steps:',
        '  - { id: charge, capability: rc-charge, input: { order: "${input.order}", hold: false } }',
        '  - { id: pack, needs: [charge], agent: rc-packer@1.0.0, retries: 0, input: { order: "${input.order}" } }',
        '',
      ].join('\n'),
      'pack.yaml',
    );
    const runId = newId();
    await system.client.publishMessage(createMessage('RunWorkflow', { workflowId: runId, definition: packing, input: { order: 'o-9' } }, system.origin));
    expect((await until(runId, 'WorkflowFailed')).find((e) => e.type === 'WorkflowFailed')?.payload).toMatchObject({ failedStep: 'pack' });
    expect(await agentos('runs', 'reset', runId, '--to', 'pack', '--agent', 'rc-packer@9.9.9')).toMatchObject({ code: 1, stdout: expect.stringContaining('refused: no registered agent rc-packer@9.9.9') });
    const reset = await agentos('runs', 'reset', runId, '--to', 'pack', '--agent', 'rc-packer@2.0.0', '--reason', 'printer fixed in 2.0.0');
    expect(reset).toMatchObject({ code: 0, stdout: expect.stringMatching(/RunForked\s+new run [\da-f-]{36} from step pack, reusing charge, on rc-packer@2\.0\.0/) });
    const forkId = /new run ([\da-f-]{36})/.exec(reset.stdout)![1];
    const events = await until(forkId, 'WorkflowCompleted');
    expect(events.find((e) => e.type === 'WorkflowStarted')?.payload).toMatchObject({ forkedFrom: { runId, step: 'pack', agent: { name: 'rc-packer', version: '2.0.0' } } });
    expect(events.filter((e) => e.type === 'TaskAssigned').map((e) => (e.payload as { agentVersion: string }).agentVersion)).toEqual(['2.0.0']);
    expect(effects().filter((l) => l.includes('o-9'))).toEqual(['charge o-9', 'pack o-9 on 1.0.0', 'pack o-9 on 2.0.0']);
    expect((await system.history(runId)).find((e) => e.type === 'RunForked')?.payload).toMatchObject({ agent: { name: 'rc-packer', version: '2.0.0' }, reason: 'printer fixed in 2.0.0' });
  }, 60_000);

  it('delivers a signal to a waiting step from the CLI: the step completes with its data; a step whose signal does not come in time fails', async () => {
    const gated = (timeout: string) =>
      parseWorkflowDocument(
        [
          'name: order-gated',
          'steps:',
          '  - { id: charge, capability: rc-charge, input: { order: "${input.order}", hold: false } }',
          `  - { id: approve, needs: [charge], wait: { signal: go }, timeout: ${timeout} }`,
          '  - { id: ship, needs: [approve], capability: rc-ship, input: { order: "${steps.approve.output.order}", hold: false } }',
          '',
        ].join('\n'),
        'gated.yaml',
      );
    const runId = newId();
    await system.client.publishMessage(createMessage('RunWorkflow', { workflowId: runId, definition: gated('30s'), input: { order: 'o-6' } }, system.origin));
    await until(runId, 'SignalWaitStarted');
    expect(await agentos('signal', runId, 'stop', '{}')).toMatchObject({ code: 1, stdout: expect.stringContaining('refused: no step waits for signal "stop" (waiting for: go)') });
    const signalled = await agentos('signal', runId, 'go', '{"order": "o-6b"}');
    expect(signalled).toMatchObject({ code: 0, stdout: expect.stringMatching(/SignalReceived\s+go from user:oncall for step approve/) });
    const events = await until(runId, 'WorkflowCompleted');
    expect(events.find((e) => e.type === 'StepCompleted' && (e.payload as { stepId: string }).stepId === 'approve')?.payload).toMatchObject({ output: { order: 'o-6b' } });
    expect(effects()).toContain('ship o-6b');
    // The signal's data is a person's input, labelled with who sent it; the step it feeds was checked and ran with that label.
    const signalLabel = { origin: 'user_input', source: 'signal:go from user:oncall' };
    const shipQueued = events.find((e) => e.type === 'TaskQueued' && (e.payload as { stepId: string }).stepId === 'ship') as MessageOf<'TaskQueued'>;
    expect(shipQueued.payload.inputLabels).toEqual(expect.arrayContaining([signalLabel]));
    expect((events.find((e) => e.type === 'PolicyDecided' && (e.payload as { context?: { step?: string } }).context?.step === 'ship') as MessageOf<'PolicyDecided'>).payload.labels).toEqual(expect.arrayContaining([signalLabel]));
    expect(reExecute(await system.store.readStream(workflowStream(runId)), orchestrationDecider).divergence).toBeUndefined();

    const unanswered = newId();
    await system.client.publishMessage(createMessage('RunWorkflow', { workflowId: unanswered, definition: gated('1s'), input: { order: 'o-7' } }, system.origin));
    const failed = await until(unanswered, 'WorkflowFailed');
    expect(failed.find((e) => e.type === 'WorkflowFailed')?.payload).toMatchObject({ reason: 'step approve failed: no signal "go" within 1000 ms', failedStep: 'approve' });
  }, 60_000);

  it('dead-letters a command on a run of another tenant, and one naming no run; the run goes on untouched', async () => {
    const runId = await start('order-tenant', 'o-5');
    const forged = createMessage('CancelRun', { runId, reason: 'not mine' }, { tenant: 'globex', actor: { kind: 'user', id: 'mallory' } });
    const nowhere = createMessage('CancelRun', { runId: newId(), reason: 'nobody' }, system.origin);
    await system.client.publishMessage(forged);
    await system.client.publishMessage(nowhere);
    const letters = await waitFor(
      async () => (await readStoredMessages<MessageOf<'MessageDeadLettered'>>(await system.client.unwrap<NatsConnector>().manager$(), 'AGENTOS_DEAD_LETTERS')).filter((m) => m.payload.subject.startsWith('agentos.cmd.run.cancel')),
      (found) => found.length === 2,
      { what: 'both commands dead-lettered' },
    );
    expect(letters.map((l) => [l.payload.reason, l.payload.error])).toEqual(
      expect.arrayContaining([
        ['refused', `CancelRun for run ${nowhere.payload.runId}: no such run`],
        ['refused', `CancelRun for run ${runId} from tenant globex, but the run belongs to another tenant`],
      ]),
    );
    const events = await until(runId, 'WorkflowCompleted');
    expect(types(events)).not.toContain('RunCancellationStarted');
    expect(types(events)).not.toContain('RunCommandRefused');
  }, 60_000);
});
