import { deriveId, type PayloadInput } from '@agentos/contracts';
import { orchestrationDecider, refusalOf, type RunInput } from './orchestration.decider';
import { selects } from './run-control';
import {
  agent,
  assignInput,
  completedInput,
  controlInput,
  eventsOf,
  failedInput,
  given,
  iso,
  message,
  operator,
  policyInput,
  runInput,
  stateOf,
  stepPolicyInput,
  stepPolicyRequestIdOf,
  taskIdOf,
  timerInput,
  when,
  workflow,
} from './test-fixtures';

const runId = deriveId('spec', 'run-control');
const charger = agent('charger', ['charge']);
const shipper = agent('shipper', ['ship']);
const refunder = agent('refunder', ['refund']);
const catalogue = [charger, shipper, refunder];

/** Charge (undone by a refund), then ship (one retry). */
const order = workflow(
  'name: order',
  'steps:',
  '  - id: charge',
  '    capability: charge',
  '    input: { amount: "${input.amount}" }',
  '    onFailure: { compensate: refund }',
  '  - id: ship',
  '    capability: ship',
  '    needs: [charge]',
  '    retries: { max: 1, backoff: 1s }',
  '    input: { charge: "${steps.charge.output.id}" }',
  'compensations:',
  '  - id: refund',
  '    capability: refund',
  '    input: { charge: "${steps.charge.output.id}", why: "${steps.charge.error}" }',
);

const started = [runInput({ workflowId: runId, definition: order, input: { amount: 42 } }, catalogue), policyInput(runId, 'allow', 1_000, { catalogue })];
const allowed = (stepId: string, capability: string, ms: number) => stepPolicyInput(runId, stepId, capability, 'allow', ms);
const charged = [...started, allowed('charge', 'charge', 1_500), assignInput(runId, 'charge', 1, charger, 2_000), completedInput(runId, 'charge', 1, { id: 'ch_1' }, 3_000, charger)];
/** Charged, and shipping is running. */
const shipping = [...charged, allowed('ship', 'ship', 3_500), assignInput(runId, 'ship', 1, shipper, 4_000)];

const cancel = (ms: number, reason = 'wrong customer') => controlInput('CancelRun', { runId, reason }, ms);
const pause = (ms: number) => controlInput('PauseRuns', { select: { kind: 'run', runId }, reason: 'incident 7' }, ms);
const resume = (ms: number) => controlInput('ResumeRuns', { select: { kind: 'run', runId }, reason: 'fixed' }, ms);
const retry = (ms: number) => controlInput('RetryRun', { runId }, ms);
const refused = (command: string, reason: string) => [{ type: 'RunCommandRefused', payload: { runId, command, refusedFor: 'user:oncall', reason } }];
const checked = (stepId: string, capability: string, attempt = 1, readsFrom = 'charge') => ({
  type: 'PolicyCheckRequested',
  payload: {
    requestId: attempt === 1 ? stepPolicyRequestIdOf(runId, stepId) : deriveId(runId, 'policy', 'step', stepId, String(attempt)),
    intentId: runId,
    action: 'intent.submit',
    subject: { owner: 'alice' },
    resource: { kind: 'capability', name: capability },
    context: { step: stepId },
    // The step reads an earlier step's output (the charge's, in the order): the check carries where its input came from.
    labels: [{ origin: 'agent_output', source: `step:${readsFrom}` }],
  },
});

describe('orchestration decider: run control', () => {
  describe('cancel', () => {
    it('given a step running after one that declares a compensation, when the run is cancelled, then the running task is aborted, the compensation runs, and the run ends cancelled naming who and why', () => {
      expect(when(given(...shipping), cancel(5_000))).toEqual([
        { type: 'RunCancellationStarted', payload: { runId, cancelledBy: 'user:oncall', reason: 'wrong customer', compensations: ['refund'] } },
        checked('refund', 'refund'),
      ]);
      const compensating = [...shipping, cancel(5_000), allowed('refund', 'refund', 5_500), assignInput(runId, 'refund', 1, refunder, 6_000)];
      // The aborted step's report, and its deadline, change nothing: only the compensation goes on.
      expect(when(given(...compensating), failedInput(runId, 'ship', 1, 'cancelled: wrong customer', 6_100, shipper, false))).toEqual([]);
      expect(when(given(...compensating), timerInput(runId, 'deadline', 'ship', 1, 70_000))).toEqual([]);
      expect(eventsOf(given(...compensating), 'TaskQueued').at(-1)?.payload).toMatchObject({ stepId: 'refund', input: { charge: 'ch_1', why: null } });
      expect(when(given(...compensating), completedInput(runId, 'refund', 1, { refunded: 42 }, 7_000, refunder))).toEqual([
        // The refund read the charge's output: that stays on its own.
        { type: 'StepCompleted', payload: { workflowId: runId, stepId: 'refund', taskId: taskIdOf(runId, 'refund', 1), attempt: 1, output: { refunded: 42 }, labels: [{ origin: 'agent_output', source: 'step:charge' }] } },
        { type: 'RunCancelled', payload: { runId, cancelledBy: 'user:oncall', reason: 'wrong customer', compensatedBy: ['refund'] } },
      ]);
      expect(stateOf(given(...compensating, completedInput(runId, 'refund', 1, { refunded: 42 }, 7_000, refunder))).status).toBe('cancelled');
    });

    it('given a compensation that fails for good, when it does, then the run still ends cancelled, saying the compensation failed', () => {
      const compensating = [...shipping, cancel(5_000), allowed('refund', 'refund', 5_500), assignInput(runId, 'refund', 1, refunder, 6_000)];
      expect(when(given(...compensating), failedInput(runId, 'refund', 1, 'bank down', 7_000, refunder, false)).at(-1)).toEqual({
        type: 'RunCancelled',
        payload: { runId, cancelledBy: 'user:oncall', reason: 'wrong customer; compensation refund failed: bank down', compensatedBy: [] },
      });
    });

    it('given nothing to compensate (or a run still waiting for policy), when it is cancelled, then it ends cancelled at once', () => {
      const charging = [...started, allowed('charge', 'charge', 1_500)];
      expect(when(given(...charging), cancel(2_000))).toEqual([
        { type: 'RunCancellationStarted', payload: { runId, cancelledBy: 'user:oncall', reason: 'wrong customer', compensations: [] } },
        { type: 'RunCancelled', payload: { runId, cancelledBy: 'user:oncall', reason: 'wrong customer', compensatedBy: [] } },
      ]);
      expect(when(given(started[0]), cancel(500)).map((d) => d.type)).toEqual(['RunCancellationStarted', 'RunCancelled']);
      // A queued task of a cancelled run is not handed out.
      expect(when(given(...charging, cancel(2_000)), assignInput(runId, 'charge', 1, charger, 2_500))).toEqual([]);
    });

    it('given a run already ended or being cancelled, when it is cancelled, then the command is refused with why and nothing changes', () => {
      const cancelling = given(...shipping, cancel(5_000));
      expect(when(cancelling, cancel(6_000, 'again'))).toEqual(refused('CancelRun', 'the run is already being cancelled (by user:oncall)'));
      const failed = given(...started, allowed('charge', 'charge', 1_500), assignInput(runId, 'charge', 1, charger, 2_000), failedInput(runId, 'charge', 1, 'declined', 3_000, charger, false));
      const compensated = given(...[...started, allowed('charge', 'charge', 1_500), assignInput(runId, 'charge', 1, charger, 2_000), failedInput(runId, 'charge', 1, 'declined', 3_000, charger, false)], allowed('refund', 'refund', 3_500), assignInput(runId, 'refund', 1, refunder, 4_000), completedInput(runId, 'refund', 1, {}, 5_000, refunder));
      expect(stateOf(failed).status).toBe('running'); // compensating
      expect(when(compensated, cancel(6_000))).toEqual(refused('CancelRun', `run ${runId} already ended failed`));
    });
  });

  describe('pause and resume', () => {
    it('given a paused run, when its running step completes, then it is recorded but the next step does not start; resume starts it', () => {
      const paused = [...started, allowed('charge', 'charge', 1_500), assignInput(runId, 'charge', 1, charger, 2_000), pause(2_500)];
      expect(when(given(...paused.slice(0, -1)), pause(2_500))).toEqual([{ type: 'RunPaused', payload: { runId, pausedBy: 'user:oncall', reason: 'incident 7' } }]);
      expect(when(given(...paused), completedInput(runId, 'charge', 1, { id: 'ch_1' }, 3_000, charger)).map((d) => d.type)).toEqual(['StepCompleted']);
      const finished = [...paused, completedInput(runId, 'charge', 1, { id: 'ch_1' }, 3_000, charger)];
      expect(when(given(...finished), resume(10_000))).toEqual([
        { type: 'RunResumed', payload: { runId, resumedBy: 'user:oncall', reason: 'fixed', pausedMs: 7_500 } },
        checked('ship', 'ship'),
      ]);
    });

    it('given a paused run with a task waiting for an agent, then it is not handed out nor timed out; resume queues it again with a fresh deadline', () => {
      const waiting = [...charged, allowed('ship', 'ship', 3_500), pause(3_600)];
      expect(when(given(...waiting), assignInput(runId, 'ship', 1, shipper, 4_000))).toEqual([]);
      expect(when(given(...waiting), timerInput(runId, 'deadline', 'ship', 1, 70_000))).toEqual([]);
      const [resumed, requeued, ...rest] = when(given(...waiting), resume(100_000));
      expect([resumed.type, rest]).toEqual(['RunResumed', []]);
      expect(requeued).toMatchObject({ type: 'TaskQueued', payload: { taskId: taskIdOf(runId, 'ship', 1), attempt: 1, input: { charge: 'ch_1' }, deadline: iso(160_000) } });
      expect(when(given(...waiting, resume(100_000)), assignInput(runId, 'ship', 1, shipper, 100_500)).map((d) => d.type)).toEqual(['TaskAssigned']);
    });

    it('given a retry back-off that comes due while paused, then the retry waits; resume queues it', () => {
      const backingOff = [...shipping, failedInput(runId, 'ship', 1, 'carrier busy', 5_000, shipper), pause(5_100)];
      const due = eventsOf(given(...backingOff), 'StepRetryScheduled')[0].payload.dueAt;
      expect(when(given(...backingOff), timerInput(runId, 'retry', 'ship', 2, Date.parse(due) - Date.parse(iso(0))))).toEqual([]);
      expect(when(given(...backingOff), resume(60_000)).slice(1)).toMatchObject([{ type: 'TaskQueued', payload: { stepId: 'ship', attempt: 2, taskId: taskIdOf(runId, 'ship', 2) } }]);
    });

    it('given a command the run state does not allow, then it is refused with why and changes nothing', () => {
      expect(when(given(...shipping), resume(5_000))).toEqual(refused('ResumeRuns', 'the run is not paused'));
      expect(when(given(...shipping, pause(5_000)), pause(6_000))).toEqual(refused('PauseRuns', 'the run is already paused (by user:oncall)'));
      expect(when(given(started[0]), pause(500))).toEqual(refused('PauseRuns', 'the run is awaiting-policy; only a running run can be paused'));
      expect(when(given(...shipping, cancel(5_000)), pause(6_000))).toEqual(refused('PauseRuns', 'the run is being cancelled'));
      expect(when(given(...shipping), retry(6_000))).toEqual(refused('RetryRun', 'the run is running; only a failed run can be retried'));
    });

    it('given a paused run, when it is cancelled, then the compensation is handed out although the run was paused', () => {
      const cancelled = [...shipping, pause(4_500), cancel(5_000), allowed('refund', 'refund', 5_500)];
      expect(when(given(...cancelled), assignInput(runId, 'refund', 1, refunder, 6_000)).map((d) => d.type)).toEqual(['TaskAssigned']);
    });
  });

  describe('retry', () => {
    const shipFailed = [...shipping, failedInput(runId, 'ship', 1, 'address unknown', 5_000, shipper, false)];

    it('given a run failed at a step, when it is retried, then only that step runs again, as its next attempt; completed steps keep their outputs', () => {
      expect(stateOf(given(...shipFailed)).status).toBe('failed');
      expect(when(given(...shipFailed), retry(10_000))).toEqual([{ type: 'RunRetried', payload: { runId, retriedBy: 'user:oncall', steps: ['ship'] } }, checked('ship', 'ship', 2)]);
      const retried = [...shipFailed, retry(10_000)];
      const policyAgain = stepPolicyInput(runId, 'ship', 'ship', 'allow', 10_500, { requestId: deriveId(runId, 'policy', 'step', 'ship', '2') });
      const [queued] = when(given(...retried), policyAgain);
      expect(queued).toMatchObject({ type: 'TaskQueued', payload: { stepId: 'ship', attempt: 2, taskId: taskIdOf(runId, 'ship', 2), input: { charge: 'ch_1' } } });
      // Its own retries count from the retry: a retryable failure of attempt 2 is tried once more.
      const running = [...retried, policyAgain, assignInput(runId, 'ship', 2, shipper, 11_000)];
      expect(when(given(...running), failedInput(runId, 'ship', 2, 'carrier busy', 12_000, shipper)).map((d) => d.type)).toEqual(['StepRetryScheduled']);
      expect(when(given(...running), completedInput(runId, 'ship', 2, { shipped: true }, 12_000, shipper)).map((d) => d.type)).toEqual(['StepCompleted', 'WorkflowCompleted']);
      expect(eventsOf(given(...running), 'TaskQueued').filter((e) => e.payload.stepId === 'charge')).toHaveLength(1);
    });

    it('given a run retried once, when it is retried while running, then that is refused', () => {
      expect(when(given(...shipFailed, retry(10_000)), retry(11_000))).toEqual(refused('RetryRun', 'the run is running; only a failed run can be retried'));
    });
  });

  describe('reset to a step (fork)', () => {
    const newRunId = deriveId('spec', 'forked');
    const shipFailed = [...shipping, failedInput(runId, 'ship', 1, 'address unknown', 5_000, shipper, false)];
    const reset = (toStep: string, ms: number) => controlInput('ResetRun', { runId, toStep, newRunId }, ms);

    it('given a run that ended, when it is reset to a step, then the parent records the fork, and the new run starts with the earlier steps reused', () => {
      const [forked] = when(given(...shipFailed), reset('ship', 10_000));
      expect(forked).toEqual({
        type: 'RunForked',
        payload: { runId, newRunId, fromStep: 'ship', forkedBy: 'user:oncall', owner: 'oncall', definition: order, input: { amount: 42 }, priority: 'normal', reused: { charge: { id: 'ch_1' } } },
      });
      const fork = given(...shipFailed, reset('ship', 10_000));
      const started: RunInput[] = [{ kind: 'forked', message: eventsOf(fork, 'RunForked')[0] }];
      expect(when([], started[0])).toEqual([
        { type: 'WorkflowStarted', payload: { workflowId: newRunId, definition: order, input: { amount: 42 }, priority: 'normal', forkedFrom: { runId, step: 'ship' } } },
        { type: 'StepReused', payload: { workflowId: newRunId, stepId: 'charge', fromRun: runId, output: { id: 'ch_1' } } },
        expect.objectContaining({ type: 'PolicyCheckRequested', payload: expect.objectContaining({ intentId: newRunId, subject: { owner: 'oncall' } }) }),
      ]);
      // Allowed, only the step reset to starts: charge is not run again.
      const allowedFork = when(given(...started), policyInput(newRunId, 'allow', 11_000, { catalogue }));
      expect(allowedFork.map((d) => [d.type, (d.payload as { context?: { step?: string } }).context?.step])).toEqual([['PolicyCheckRequested', 'ship']]);
      // Forked again (a redelivery): nothing more.
      expect(when(given(...started), started[0])).toEqual([]);
    });

    it('given a run still running, or a step it does not have, when it is reset, then that is refused with why', () => {
      expect(when(given(...shipping), reset('ship', 6_000))).toEqual(refused('ResetRun', 'the run is running; only a run that ended can be reset (cancel it first)'));
      expect(when(given(...shipFailed), reset('deliver', 10_000))).toEqual(refused('ResetRun', 'the run has no step "deliver" (its steps: charge, ship)'));
    });

    it('given a reset to the first step, then nothing is reused: it and everything after it run again', () => {
      expect((when(given(...shipFailed), reset('charge', 10_000))[0].payload as { reused: object }).reused).toEqual({});
    });

    describe('with another agent version', () => {
      const shipper2 = agent('shipper', ['ship'], '2.0.0', 'shipper-2');
      const pinned = (ms: number, version = '2.0.0', name = 'shipper') => controlInput('ResetRun', { runId, toStep: 'ship', newRunId, agent: { name, version } }, ms, 'acme', [...catalogue, shipper2]);

      it('given an agent version that serves the steps run again, then the fork records the pin and runs them on that version; the reused steps are untouched', () => {
        const [forked] = when(given(...shipFailed), pinned(10_000));
        const definition = (forked.payload as { definition: typeof order }).definition;
        expect(forked.payload).toMatchObject({ agent: { name: 'shipper', version: '2.0.0' }, reused: { charge: { id: 'ch_1' } } });
        expect(definition.steps.map((s) => [s.id, s.target])).toEqual([
          ['charge', { capability: 'charge' }],
          ['ship', { capability: 'ship', agent: { name: 'shipper', version: '2.0.0' } }],
        ]);
        const fork = [{ kind: 'forked', message: eventsOf(given(...shipFailed, pinned(10_000)), 'RunForked')[0] } as RunInput];
        expect(when([], fork[0])[0].payload).toMatchObject({ forkedFrom: { runId, step: 'ship', agent: { name: 'shipper', version: '2.0.0' } } });
        // Its step is queued for that version only.
        const checkedFork = [...fork, policyInput(newRunId, 'allow', 11_000, { catalogue }), stepPolicyInput(newRunId, 'ship', 'ship', 'allow', 11_500)];
        expect(eventsOf(given(...checkedFork), 'TaskQueued')[0].payload.target).toEqual({ capability: 'ship', agent: { name: 'shipper', version: '2.0.0' } });
      });

      it('given an agent version nobody registered, or one that serves none of the steps run again, then the reset is refused with why', () => {
        expect(when(given(...shipFailed), pinned(10_000, '9.9.9'))).toEqual(refused('ResetRun', 'no registered agent shipper@9.9.9'));
        expect(when(given(...shipFailed), pinned(10_000, '1.0.0', 'charger'))).toEqual(refused('ResetRun', 'agent charger@1.0.0 serves none of the steps the reset runs again (ship)'));
      });
    });

    it('given a policy bundle version, then the fork records it, and every check of the fork, and every task handed to its agents, names it', () => {
      const pinned = { ...controlInput('ResetRun', { runId, toStep: 'ship', newRunId, policyBundle: 'prod-8' }, 10_000), bundleInForce: 'prod-8' } as RunInput;
      expect(when(given(...shipFailed), pinned)[0].payload).toMatchObject({ policyBundle: 'prod-8' });
      const fork = { kind: 'forked', message: eventsOf(given(...shipFailed, pinned), 'RunForked')[0] } as RunInput;
      const [started, , runCheck] = when([], fork);
      expect(started.payload).toMatchObject({ forkedFrom: { runId, step: 'ship', policyBundle: 'prod-8' } });
      expect(runCheck.payload).toMatchObject({ context: { steps: ['charge', 'ship'] }, pinnedBundle: 'prod-8' });
      const [stepCheck] = when(given(fork), policyInput(newRunId, 'allow', 11_000, { catalogue }));
      expect(stepCheck.payload).toMatchObject({ context: { step: 'ship' }, pinnedBundle: 'prod-8' });
      const queued = [fork, policyInput(newRunId, 'allow', 11_000, { catalogue }), stepPolicyInput(newRunId, 'ship', 'ship', 'allow', 11_500)];
      expect(when(given(...queued), assignInput(newRunId, 'ship', 1, shipper, 12_000))[0]).toMatchObject({ type: 'TaskAssigned', payload: { policyBundle: 'prod-8' } });
    });

    it('given a policy bundle that is not the one in force (or policy did not say), then the reset is refused with why', () => {
      const pinned = (bundleInForce?: string) => ({ ...controlInput('ResetRun', { runId, toStep: 'ship', newRunId, policyBundle: 'prod-8' }, 10_000), bundleInForce }) as RunInput;
      expect(when(given(...shipFailed), pinned('prod-7'))).toEqual(refused('ResetRun', 'policy bundle prod-8 is not in force (prod-7): publish it, then reset pinned to it'));
      expect(when(given(...shipFailed), pinned())).toEqual(refused('ResetRun', 'policy bundle prod-8 is not in force (policy did not say which is): publish it, then reset pinned to it'));
    });

    it('given reused outputs that carry labels, then the fork records them with the outputs, and the steps they feed carry them on', () => {
      const tainted = [{ origin: 'tool_result' as const, source: 'tool:inbox' }];
      const labelled = (input: RunInput) => ({ ...input, message: { ...input.message, payload: { ...(input.message.payload as object), labels: tainted } } }) as RunInput;
      const failedAfterTaint = [...started, allowed('charge', 'charge', 1_500), assignInput(runId, 'charge', 1, charger, 2_000), labelled(completedInput(runId, 'charge', 1, { id: 'ch_1' }, 3_000, charger)), allowed('ship', 'ship', 3_500), assignInput(runId, 'ship', 1, shipper, 4_000), failedInput(runId, 'ship', 1, 'address unknown', 5_000, shipper, false)];
      const [forked] = when(given(...failedAfterTaint), reset('ship', 10_000));
      expect(forked.payload).toMatchObject({ reusedLabels: { charge: tainted } });
      const fork = { kind: 'forked', message: eventsOf(given(...failedAfterTaint, reset('ship', 10_000)), 'RunForked')[0] } as RunInput;
      expect(when([], fork)[1]).toEqual({ type: 'StepReused', payload: { workflowId: newRunId, stepId: 'charge', fromRun: runId, output: { id: 'ch_1' }, labels: tainted } });
      const [shipCheck] = when(given(fork), policyInput(newRunId, 'allow', 11_000, { catalogue }));
      expect(shipCheck.payload).toMatchObject({ context: { step: 'ship' }, labels: [{ origin: 'agent_output', source: 'step:charge' }, ...tainted] });
    });
  });

  describe('signals', () => {
    /** Charge, wait for a person's go-ahead (a wait step), then ship with what they said. */
    const gated = workflow(
      'name: gated',
      'steps:',
      '  - { id: charge, capability: charge, input: { amount: "${input.amount}" } }',
      '  - { id: approve, needs: [charge], wait: { signal: go }, timeout: 1m }',
      '  - { id: ship, needs: [approve], capability: ship, input: { note: "${steps.approve.output.note}" } }',
    );
    const charging = [runInput({ workflowId: runId, definition: gated, input: { amount: 1 } }, catalogue), policyInput(runId, 'allow', 1_000, { catalogue }), allowed('charge', 'charge', 1_500), assignInput(runId, 'charge', 1, charger, 2_000)];
    const waitId = deriveId(runId, 'wait', 'approve', '1');
    const signal = (name: string, data: Record<string, unknown>, ms: number) => controlInput('SignalRun', { runId, name, data }, ms);
    const waiting = [...charging, completedInput(runId, 'charge', 1, { id: 'ch_1' }, 3_000, charger)];

    it('given a step that becomes ready and waits for a signal, when the signal comes, then the step completes with its data and the run goes on', () => {
      expect(when(given(...charging), completedInput(runId, 'charge', 1, { id: 'ch_1' }, 3_000, charger)).at(-1)).toEqual({
        type: 'SignalWaitStarted',
        payload: { workflowId: runId, stepId: 'approve', signal: 'go', attempt: 1, waitId, deadline: iso(63_000) },
      });
      expect(when(given(...waiting), signal('go', { note: 'fragile' }, 10_000))).toEqual([
        { type: 'SignalReceived', payload: { runId, stepId: 'approve', signal: 'go', sentBy: 'user:oncall', data: { note: 'fragile' } } },
        {
          type: 'StepCompleted',
          payload: { workflowId: runId, stepId: 'approve', taskId: waitId, attempt: 1, output: { note: 'fragile' }, labels: [{ origin: 'user_input', source: 'signal:go from user:oncall' }] },
        },
        expect.objectContaining({ type: 'PolicyCheckRequested' }),
      ]);
      // The step it feeds is checked, and runs, with the signal's origin among its input's labels.
      const [check] = when(given(...waiting), signal('go', { note: 'fragile' }, 10_000)).slice(2);
      expect(check.payload).toMatchObject({ context: { step: 'ship' }, labels: [{ origin: 'agent_output', source: 'step:approve' }, { origin: 'user_input', source: 'signal:go from user:oncall' }] });
      const shipping = given(...waiting, signal('go', { note: 'fragile' }, 10_000));
      expect(when(shipping, allowed('ship', 'ship', 10_500))[0]).toMatchObject({ type: 'TaskQueued', payload: { stepId: 'ship', input: { note: 'fragile' } } });
      // Its deadline, come after the signal, changes nothing.
      expect(when(shipping, timerInput(runId, 'deadline', 'approve', 1, 63_000, waitId))).toEqual([]);
    });

    it('given no step waiting for that signal (yet, or by that name), when it comes, then it is refused saying which signals are awaited', () => {
      expect(when(given(...charging), signal('go', {}, 2_500))).toEqual(refused('SignalRun', 'no step waits for signal "go" (none waits now)'));
      expect(when(given(...waiting), signal('stop', {}, 4_000))).toEqual(refused('SignalRun', 'no step waits for signal "stop" (waiting for: go)'));
      expect(when(given(...waiting, signal('go', {}, 5_000)), signal('go', {}, 6_000))).toEqual(refused('SignalRun', 'no step waits for signal "go" (none waits now)'));
    });

    it('given a wait step, when its deadline comes first, then it fails (for good) and its onFailure applies', () => {
      expect(when(given(...waiting), timerInput(runId, 'deadline', 'approve', 1, 63_000, waitId))).toEqual([
        { type: 'StepFailed', payload: { workflowId: runId, stepId: 'approve', attempt: 1, error: 'no signal "go" within 60000 ms' } },
        { type: 'WorkflowFailed', payload: { workflowId: runId, reason: 'step approve failed: no signal "go" within 60000 ms', failedStep: 'approve' } },
      ]);
    });
  });

  describe('pausing or resuming many runs', () => {
    const command = (type: 'PauseRuns' | 'ResumeRuns', select: PayloadInput<'PauseRuns'>['select'], tenant = 'acme') =>
      type === 'PauseRuns' ? message('PauseRuns', { select, reason: 'incident 7' }, 5_000, operator, tenant) : message('ResumeRuns', { select, reason: 'incident 7' }, 5_000, operator, tenant);
    const running = stateOf(given(...shipping));
    const paused = stateOf(given(...shipping, pause(4_500)));

    it('covers the open runs of the workflow name or the tenant it names, in its own tenant (the platform: every tenant), that it would change', () => {
      expect(selects(command('PauseRuns', { kind: 'workflow', name: 'order' }), running)).toBe(true);
      expect(selects(command('PauseRuns', { kind: 'workflow', name: 'other' }), running)).toBe(false);
      expect(selects(command('PauseRuns', { kind: 'tenant' }), running)).toBe(true);
      expect(selects(command('PauseRuns', { kind: 'tenant' }, 'globex'), running)).toBe(false);
      expect(selects(command('PauseRuns', { kind: 'tenant' }, 'system'), running)).toBe(true);
      // Already paused (or not paused, for a resume), ended or being cancelled: left out rather than refused.
      expect(selects(command('PauseRuns', { kind: 'tenant' }), paused)).toBe(false);
      expect(selects(command('ResumeRuns', { kind: 'tenant' }), paused)).toBe(true);
      expect(selects(command('ResumeRuns', { kind: 'tenant' }), running)).toBe(false);
      expect(selects(command('PauseRuns', { kind: 'tenant' }), stateOf(given(...shipping, cancel(5_000))))).toBe(false);
    });
  });

  describe('who may', () => {
    it('refuses outright (dead-lettered, nothing recorded) a command for a run that does not exist or of another tenant; the platform acts for any tenant', () => {
      const state = stateOf(given(...shipping));
      expect(refusalOf(cancel(5_000), orchestrationDecider.initialState)).toBe(`CancelRun for run ${runId}: no such run`);
      expect(refusalOf(controlInput('CancelRun', { runId, reason: 'mine now' }, 5_000, 'globex'), state)).toBe(`CancelRun for run ${runId} from tenant globex, but the run belongs to another tenant`);
      expect(refusalOf(controlInput('CancelRun', { runId, reason: 'platform on-call' }, 5_000, 'system'), state)).toBeUndefined();
      expect(refusalOf(controlInput('PauseRuns', { select: { kind: 'tenant' }, reason: 'x' }, 5_000), state)).toMatch(/must be handed to the decider for one run/);
    });
  });
});
