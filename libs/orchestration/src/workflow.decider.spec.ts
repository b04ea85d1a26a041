import { deriveId, type WorkflowDefinition } from '@agentos/contracts';
import { fold } from '@agentos/decider';
import { backoffDelayMs } from '@agentos/workflow';
import { orchestrationDecider } from './orchestration.decider';
import {
  agent,
  approveInput,
  assignInput,
  budgetInput,
  completedInput,
  eventsOf,
  failedInput,
  given,
  instanceDownInput,
  iso,
  killSwitch,
  policyInput,
  record,
  runInput,
  stateOf,
  stepPolicyInput,
  stepPolicyRequestIdOf,
  taskIdOf,
  timerInput,
  when,
  workflow,
} from './test-fixtures';

const workflowId = deriveId('spec', 'workflow');
const researcher = agent('researcher', ['research']);
const researcher2 = agent('researcher', ['research'], '1.0.0', 'researcher-2');
const writer = agent('writer', ['write']);
const reviewer = agent('reviewer', ['review']);
const charger = agent('charger', ['charge']);
const charger2 = agent('charger', ['charge'], '1.0.0', 'charger-2');
const shipper = agent('shipper', ['ship']);
const refunder = agent('refunder', ['refund']);
const catalogue = [researcher, researcher2, writer, reviewer, charger, charger2, shipper, refunder];

/** Two roots (fan-out) that one step needs (fan-in). */
const report = workflow(
  'name: report',
  'steps:',
  '  - id: research',
  '    capability: research',
  '    input: { topic: "${input.topic}" }',
  '  - id: facts',
  '    capability: research',
  '    input: { topic: "facts about ${input.topic}" }',
  '  - id: write',
  '    capability: write',
  '    needs: [research, facts]',
  '    input: { notes: "${steps.research.output.notes}", facts: "${steps.facts.output}" }',
);

/** A chain whose result is mapped by `output:`. */
const chain = workflow(
  'name: chain',
  'steps:',
  '  - id: research',
  '    capability: research',
  '    input: { topic: "${input.topic}" }',
  '  - id: write',
  '    capability: write',
  '    needs: [research]',
  '    input: { notes: "${steps.research.output.notes}" }',
  'output:',
  '  article: "${steps.write.output.text}"',
  '  topic: "${input.topic}"',
  '  summary: "about ${input.topic}: ${steps.write.output.words} words"',
);

/** Charge, then ship; a failed shipment is refunded. */
const order = workflow(
  'name: order',
  'steps:',
  '  - id: charge',
  '    capability: charge',
  '    input: { amount: "${input.amount}" }',
  '  - id: ship',
  '    capability: ship',
  '    needs: [charge]',
  '    onFailure: { compensate: refund }',
  'compensations:',
  '  - id: refund',
  '    capability: refund',
  '    timeout: 30s',
  '    input: { why: "shipping failed: ${steps.ship.error}", amount: "${input.amount}", charge: "${steps.charge.output.id}" }',
);

const run = (definition: WorkflowDefinition, input: Record<string, unknown> = { topic: 'llamas' }, priority?: 'low' | 'normal' | 'high') =>
  runInput({ workflowId, definition, input, ...(priority ? { priority } : {}) }, catalogue);
const allow = (ms = 1_000, killSwitches = [killSwitch('agent', 'nobody')]) => policyInput(workflowId, 'allow', ms, { catalogue, killSwitches });
const done = (stepId: string, output: unknown, ms: number, instance = researcher, attempt = 1) => completedInput(workflowId, stepId, attempt, output, ms, instance);
const failed = (stepId: string, error: string, ms: number, instance = researcher, retryable?: boolean) => failedInput(workflowId, stepId, 1, error, ms, instance, retryable);
const assigned = (stepId: string, ms: number, instance = researcher, attempt = 1) => assignInput(workflowId, stepId, attempt, instance, ms);
/** An attempt handed to an instance half a second before it reports. */
const ran = (stepId: string, output: unknown, ms: number, instance = researcher) => [assigned(stepId, ms - 500, instance), done(stepId, output, ms, instance)];
/** Policy allows a step (checked as an intent for its capability). */
const stepAllowed = (stepId: string, capability: string, ms = 1_000) => stepPolicyInput(workflowId, stepId, capability, 'allow', ms);
/** The policy check a ready step gets before its task is queued; `from`: the steps whose outputs its input uses. */
const stepChecked = (stepId: string, resource: { kind: string; name: string }, from: string[] = []) => ({
  type: 'PolicyCheckRequested',
  payload: {
    requestId: stepPolicyRequestIdOf(workflowId, stepId),
    intentId: workflowId,
    action: 'intent.submit',
    subject: { owner: 'alice' },
    resource,
    context: { step: stepId },
    ...(from.length > 0 ? { labels: from.map((id) => ({ origin: 'agent_output', source: `step:${id}` })) } : {}),
  },
});
const capability = (name: string) => ({ kind: 'capability', name });

const MINUTE = 60_000;
/**
 * The TaskQueued an attempt of a step gets (defaults: capability = the step's, 60s timeout, normal priority);
 * `from`: the steps whose outputs its input uses, which label it.
 */
const queued = (stepId: string, capability: string, input: Record<string, unknown>, queuedAtMs: number, { attempt = 1, timeoutMs = MINUTE, priority = 'normal', from = [] as string[] } = {}) => ({
  type: 'TaskQueued',
  payload: {
    taskId: taskIdOf(workflowId, stepId, attempt),
    intentId: workflowId,
    stepId,
    attempt,
    target: { capability },
    input,
    priority,
    timeoutMs,
    deadline: iso(queuedAtMs + timeoutMs),
    ...(from.length > 0 ? { inputLabels: from.map((id) => ({ origin: 'agent_output', source: `step:${id}` })) } : {}),
  },
});
/** `from`: the steps whose outputs the step read; its input's labels stay on its output, whatever its agent reports. */
const stepCompleted = (stepId: string, output: unknown, { attempt = 1, from = [] as string[] } = {}) => ({
  type: 'StepCompleted',
  payload: { workflowId, stepId, taskId: taskIdOf(workflowId, stepId, attempt), attempt, output, ...(from.length > 0 ? { labels: from.map((id) => ({ origin: 'agent_output', source: `step:${id}` })) } : {}) },
});

describe('orchestration decider: workflows', () => {
  describe('starting a run', () => {
    it('given nothing, when a valid workflow is run, then it starts and a policy check is requested for the workflow', () => {
      expect(when([], run(report))).toEqual([
        { type: 'WorkflowStarted', payload: { workflowId, definition: report, input: { topic: 'llamas' }, priority: 'normal' } },
        {
          type: 'PolicyCheckRequested',
          payload: {
            requestId: deriveId(workflowId, 'policy', 'intent.submit'),
            intentId: workflowId,
            action: 'intent.submit',
            subject: { owner: 'alice' },
            resource: { kind: 'workflow', name: 'report' },
            context: { steps: ['research', 'facts', 'write'] },
          },
        },
      ]);
      expect(when(given(run(report)), run(report))).toEqual([]);
    });

    it('given a definition with a cycle sent over the wire, when it is run, then it is rejected naming the step and field', () => {
      const cyclic: WorkflowDefinition = { ...chain, steps: chain.steps.map((s) => (s.id === 'research' ? { ...s, needs: ['write'] } : s)) };
      expect(when([], run(cyclic))).toEqual([
        {
          type: 'WorkflowRejected',
          payload: {
            workflowId,
            reason: 'invalid workflow "chain"',
            problems: ['steps.1 (write).needs: cycle write → research → write'],
            rule: null,
          },
        },
      ]);
    });

    it('given targets no catalogued agent can run, when the workflow is run, then it is rejected naming each', () => {
      const unknown = workflow(
        'name: unknown',
        'steps:',
        '  - id: translate',
        '    capability: translate',
        '    onFailure: { compensate: undo }',
        'compensations:',
        '  - id: undo',
        '    agent: refunder@2.0.0',
      );
      expect(when([], run(unknown))).toEqual([
        {
          type: 'WorkflowRejected',
          payload: {
            workflowId,
            reason: 'invalid workflow "unknown"',
            problems: ['steps.0 (translate).capability: no registered agent offers capability "translate"', 'compensations.0 (undo).agent: agent "refunder" is not registered at version 2.0.0 (registered: 1.0.0)'],
            rule: null,
          },
        },
      ]);
    });

    it('given a pending policy check, when policy denies, then the workflow is rejected with the rule', () => {
      expect(when(given(run(report)), policyInput(workflowId, 'deny', 1_000, { rule: 'no-reports', reason: 'reports are off' }))).toEqual([
        { type: 'WorkflowRejected', payload: { workflowId, reason: 'reports are off', rule: 'no-reports', problems: [] } },
      ]);
    });

    it('given a pending policy check, when a kill switch covers the workflow, then it is rejected naming the switch', () => {
      expect(when(given(run(report)), allow(1_000, [killSwitch('workflow', workflowId, 'runaway')]))).toEqual([
        { type: 'WorkflowRejected', payload: { workflowId, reason: `kill switch (workflow ${workflowId}): runaway`, rule: `kill-switch:workflow:${workflowId}`, problems: [] } },
      ]);
    });

    it('given a pending policy check, when policy allows, then every root step is checked by policy at once (fan-out); allowed, each is queued with its input resolved', () => {
      expect(when(given(run(report)), allow(1_000))).toEqual([stepChecked('research', capability('research')), stepChecked('facts', capability('research'))]);
      expect(when(given(run(report), allow(1_000)), stepAllowed('research', 'research', 2_000))).toEqual([queued('research', 'research', { topic: 'llamas' }, 2_000)]);
      expect(when(given(run(report), allow(1_000), stepAllowed('research', 'research', 2_000)), stepAllowed('facts', 'research', 3_000))).toEqual([queued('facts', 'research', { topic: 'facts about llamas' }, 3_000)]);
    });

    it('given a step under its policy check, when policy denies it, then it fails with the reason and its onFailure applies; nothing is queued', () => {
      const checking = given(run(report), allow(1_000));
      const denied = stepPolicyInput(workflowId, 'research', 'research', 'deny', 2_000, { rule: 'no-research', reason: 'research is off' });
      const error = 'policy denied capability research: research is off (rule no-research)';
      expect(when(checking, denied)).toEqual([
        { type: 'StepFailed', payload: { workflowId, stepId: 'research', attempt: 1, error } },
        { type: 'WorkflowFailed', payload: { workflowId, reason: `step research failed: ${error}`, failedStep: 'research' } },
      ]);
      // The verdict on the other root, arriving after the run failed, starts nothing.
      expect(when(given(run(report), allow(1_000), denied), stepAllowed('facts', 'research', 3_000))).toEqual([]);
    });

    it('given a step under its policy check, when policy requires approval, then the step fails saying a step cannot wait for approval', () => {
      const skippable = workflow('name: skippable', 'steps:', '  - id: research', '    capability: research', '    onFailure: skip', '  - id: write', '    capability: write', '    needs: [research]');
      const approval = stepPolicyInput(workflowId, 'research', 'research', 'require_approval', 2_000, { rule: 'sign-off', reason: 'research needs a manager' });
      expect(when(given(run(skippable, {}), allow(1_000)), approval)).toEqual([
        { type: 'StepSkipped', payload: { workflowId, stepId: 'research', reason: 'policy requires approval for capability research: research needs a manager (rule sign-off); a workflow step cannot wait for approval, so it did not run' } },
        stepChecked('write', capability('write')),
      ]);
    });

    it('given a step under its policy check, when a verdict for another request or a repeated one arrives, then nothing is decided', () => {
      const checking = given(run(report), allow(1_000));
      expect(when(checking, stepAllowed('write', 'write'))).toEqual([]); // write is not ready: no check of it is pending
      expect(when(given(run(report), allow(1_000), stepAllowed('research', 'research', 2_000)), stepAllowed('research', 'research', 3_000))).toEqual([]);
    });

    it('given an approval request, when it is approved, then the roots go to their policy checks', () => {
      const awaiting = given(run(chain), policyInput(workflowId, 'require_approval', 1_000, { rule: 'big', reason: 'needs a manager' }));
      expect(eventsOf(awaiting, 'ApprovalRequested').map((e) => e.payload)).toEqual([{ intentId: workflowId, rule: 'big', reason: 'needs a manager' }]);
      expect(when(awaiting, approveInput(workflowId, 31_000, { catalogue }))).toEqual([
        { type: 'IntentApproved', payload: { intentId: workflowId, approver: 'user:manager', waitedMs: 30_000 } },
        stepChecked('research', capability('research')),
      ]);
    });

    it('given a run priority, then it overrides the definition priority for every task', () => {
      const low = workflow('name: low', 'priority: low', 'steps:', '  - id: research', '    capability: research');
      expect(when([], run(low, {}, 'high'))[0]).toEqual({ type: 'WorkflowStarted', payload: { workflowId, definition: low, input: {}, priority: 'high' } });
      expect(when(given(run(low, {}, 'high'), allow()), stepAllowed('research', 'research'))).toEqual([queued('research', 'research', {}, 1_000, { priority: 'high' })]);
      expect(when(given(run(low, {}), allow()), stepAllowed('research', 'research'))).toEqual([queued('research', 'research', {}, 1_000, { priority: 'low' })]);
    });

    it('given a step pinned to an agent, then its target passes through to the task, and an agent-only step is assigned without a capability', () => {
      const pinned = workflow('name: pinned', 'steps:', '  - id: research', '    capability: research', '    agent: researcher@1.0.0', '  - id: write', '    agent: writer');
      // A step with only an agent is checked as that agent.
      expect(when(given(run(pinned, {})), allow())).toEqual([stepChecked('research', capability('research')), stepChecked('write', { kind: 'agent', name: 'writer' })]);
      const checked = [run(pinned, {}), allow()];
      const [research] = when(given(...checked), stepAllowed('research', 'research'));
      const [write] = when(given(...checked), stepPolicyInput(workflowId, 'write', 'writer', 'allow', 1_000));
      const retargeted = (task: ReturnType<typeof queued>, target: object) => ({ ...task, payload: { ...task.payload, target } });
      expect(research).toEqual(retargeted(queued('research', 'research', {}, 1_000), { capability: 'research', agent: { name: 'researcher', version: '1.0.0' } }));
      expect(write).toEqual(retargeted(queued('write', 'write', {}, 1_000), { agent: { name: 'writer' } }));
      expect(when(given(...checked, stepPolicyInput(workflowId, 'write', 'writer', 'allow', 1_000)), assignInput(workflowId, 'write', 1, writer, 2_000))).toEqual([
        { type: 'TaskAssigned', payload: { taskId: taskIdOf(workflowId, 'write', 1), intentId: workflowId, stepId: 'write', attempt: 1, agent: 'writer', agentVersion: '1.0.0', instanceId: 'writer-1', input: {}, deadline: iso(1_000 + MINUTE) } },
      ]);
    });
  });

  describe('fan-in and completion', () => {
    const reportAllowed = [run(report), allow(), stepAllowed('research', 'research'), stepAllowed('facts', 'research')];
    const research = { notes: 'llamas are woolly' };
    const facts = { count: 2, list: ['hum', 'spit'] };

    it('given a fan-in, when one parent completes, then only that step is recorded; when the last does, the child is queued with both outputs', () => {
      expect(when(given(...reportAllowed, assigned('research', 9_000)), done('research', research, 10_000))).toEqual([stepCompleted('research', research)]);
      const afterResearch = given(...reportAllowed, ran('research', research, 10_000), assigned('facts', 19_000, researcher2));
      expect(when(afterResearch, done('facts', facts, 20_000, researcher2))).toEqual([stepCompleted('facts', facts), stepChecked('write', capability('write'), ['research', 'facts'])]);
      expect(when(given(...reportAllowed, ran('research', research, 10_000), ran('facts', facts, 20_000, researcher2)), stepAllowed('write', 'write', 21_000))).toEqual([
        queued('write', 'write', { notes: 'llamas are woolly', facts }, 21_000, { from: ['research', 'facts'] }),
      ]);
    });

    it('given a fan-in, when the parents complete in the other order, then the child gets the same input', () => {
      const afterFacts = given(...reportAllowed, ran('facts', facts, 10_000), ran('research', research, 20_000));
      expect(when(afterFacts, stepAllowed('write', 'write', 21_000))).toEqual([queued('write', 'write', { notes: 'llamas are woolly', facts }, 21_000, { from: ['research', 'facts'] })]);
    });

    it('given a run without `output:`, when the last step completes, then the workflow completes with the outputs of the leaves', () => {
      const writing = given(...reportAllowed, ran('research', research, 10_000), ran('facts', facts, 20_000), stepAllowed('write', 'write', 21_000), assigned('write', 22_000, writer));
      expect(when(writing, done('write', { text: 'Llamas.' }, 30_000, writer))).toEqual([stepCompleted('write', { text: 'Llamas.' }, { from: ['research', 'facts'] }), { type: 'WorkflowCompleted', payload: { workflowId, output: { write: { text: 'Llamas.' } } } }]);
      const twoLeaves = workflow('name: two', 'steps:', '  - id: research', '    capability: research', '  - id: write', '    capability: write', '    needs: [research]', '  - id: review', '    capability: review', '    needs: [research]');
      const reviewing = given(
        run(twoLeaves),
        allow(),
        stepAllowed('research', 'research'),
        ran('research', 'notes', 10_000),
        stepAllowed('write', 'write', 11_000),
        stepAllowed('review', 'review', 11_000),
        ran('write', 'draft', 20_000, writer),
        assigned('review', 21_000, reviewer),
      );
      expect(when(reviewing, done('review', { ok: true }, 30_000, reviewer))).toEqual([stepCompleted('review', { ok: true }), { type: 'WorkflowCompleted', payload: { workflowId, output: { write: 'draft', review: { ok: true } } } }]);
    });

    it('given a chain with `output:`, when it runs to the end, then the mapping is resolved from the input and the step outputs', () => {
      const writing = given(run(chain), allow(), stepAllowed('research', 'research'), ran('research', research, 10_000), stepAllowed('write', 'write', 11_000), assigned('write', 12_000, writer));
      expect(eventsOf(writing, 'TaskQueued').at(-1)?.payload).toEqual(queued('write', 'write', { notes: 'llamas are woolly' }, 11_000, { from: ['research'] }).payload);
      expect(when(writing, done('write', { text: 'Llamas.', words: 12 }, 20_000, writer))).toEqual([
        stepCompleted('write', { text: 'Llamas.', words: 12 }, { from: ['research'] }),
        { type: 'WorkflowCompleted', payload: { workflowId, output: { article: 'Llamas.', topic: 'llamas', summary: 'about llamas: 12 words' } } },
      ]);
    });
  });

  describe('deadlines and retries', () => {
    const slow = (retries: string) =>
      workflow('name: slow', 'steps:', '  - id: research', '    capability: research', '    timeout: 30s', `    retries: ${retries}`, '    input: { topic: "${input.topic}" }');
    const expired = { type: 'TaskExpired', payload: { taskId: taskIdOf(workflowId, 'research', 1), intentId: workflowId, stepId: 'research', attempt: 1, timeoutMs: 30_000, reason: 'no agent instance took it in time' } };
    const error = 'timed out after 30000 ms: no agent instance took it in time';
    const slowAllowed = (retries: string) => [run(slow(retries)), allow(), stepAllowed('research', 'research')];

    it('given a task no instance took, when its deadline fires, then it expires and a retry is scheduled with the exact back-off', () => {
      const delayMs = backoffDelayMs({ max: 1, initialBackoffMs: 2_000, maxBackoffMs: 30_000 }, 1, `${workflowId}/research/1`);
      expect(when(given(...slowAllowed('{ max: 1, backoff: 2s }')), timerInput(workflowId, 'deadline', 'research', 1, 31_000))).toEqual([
        expired,
        { type: 'StepRetryScheduled', payload: { workflowId, stepId: 'research', attempt: 2, delayMs, dueAt: iso(31_000 + delayMs), error } },
      ]);
      const waiting = given(...slowAllowed('{ max: 1, backoff: 2s }'), timerInput(workflowId, 'deadline', 'research', 1, 31_000));
      expect(when(waiting, timerInput(workflowId, 'retry', 'research', 2, 34_000))).toEqual([queued('research', 'research', { topic: 'llamas' }, 34_000, { attempt: 2, timeoutMs: 30_000 })]);
    });

    it('given a task no instance took and no retries, when its deadline fires, then it expires, the step fails and so does the workflow', () => {
      expect(when(given(...slowAllowed('0')), timerInput(workflowId, 'deadline', 'research', 1, 31_000))).toEqual([
        expired,
        { type: 'StepFailed', payload: { workflowId, stepId: 'research', attempt: 1, error } },
        { type: 'WorkflowFailed', payload: { workflowId, reason: `step research failed: ${error}`, failedStep: 'research' } },
      ]);
    });

    it('given a completed step, when its old deadline fires, then nothing is decided', () => {
      expect(when(given(...slowAllowed('0'), ran('research', 'ok', 5_000)), timerInput(workflowId, 'deadline', 'research', 1, 31_000))).toEqual([]);
    });
  });

  describe('onFailure', () => {
    it('skip: the step is skipped and its dependents still run, with null for its output', () => {
      const skippy = workflow(
        'name: skippy',
        'steps:',
        '  - id: research',
        '    capability: research',
        '    onFailure: skip',
        '  - id: write',
        '    capability: write',
        '    needs: [research]',
        '    input: { notes: "${steps.research.output}", line: "notes: ${steps.research.output.notes}" }',
      );
      const started = [run(skippy), allow(), stepAllowed('research', 'research'), assigned('research', 2_000)];
      expect(when(given(...started), failed('research', 'no sources', 10_000))).toEqual([
        { type: 'StepSkipped', payload: { workflowId, stepId: 'research', reason: 'no sources' } },
        stepChecked('write', capability('write'), ['research']),
      ]);
      expect(when(given(...started, failed('research', 'no sources', 10_000)), stepAllowed('write', 'write', 11_000))).toEqual([queued('write', 'write', { notes: null, line: 'notes: ' }, 11_000, { from: ['research'] })]);
      const writing = given(...started, failed('research', 'no sources', 10_000), stepAllowed('write', 'write', 11_000), assigned('write', 12_000, writer));
      expect(when(writing, done('write', 'short', 20_000, writer))).toEqual([stepCompleted('write', 'short', { from: ['research'] }), { type: 'WorkflowCompleted', payload: { workflowId, output: { write: 'short' } } }]);
    });

    it("skip: a step whose resolved input its agent's input schema refuses is failed without a retry, then skipped; nothing is assigned", () => {
      const skippy = workflow('name: skippy', 'steps:', '  - id: research', '    capability: research', '    retries: 3', '    onFailure: skip', '    input: { topic: "${input.topic}" }');
      const problems = [{ path: 'input.topic', message: 'Invalid input: expected number, received string' }];
      const refused = { ...assigned('research', 2_000), inputProblems: problems };
      const decided = when(given(run(skippy), allow(), stepAllowed('research', 'research')), refused);
      const error = 'input does not match the input schema researcher@1.0.0 registered: input.topic: Invalid input: expected number, received string';
      expect(decided).toEqual([{ type: 'StepSkipped', payload: { workflowId, stepId: 'research', reason: error } }, { type: 'WorkflowCompleted', payload: { workflowId, output: { research: null } } }]);
    });

    it('fail: the step and the workflow fail naming it; a sibling finishing later changes nothing', () => {
      const started = [run(report), allow(), stepAllowed('research', 'research'), stepAllowed('facts', 'research'), assigned('research', 2_000), assigned('facts', 2_000, researcher2)];
      const failure = [
        { type: 'StepFailed', payload: { workflowId, stepId: 'research', attempt: 1, error: 'no sources' } },
        { type: 'WorkflowFailed', payload: { workflowId, reason: 'step research failed: no sources', failedStep: 'research' } },
      ];
      expect(when(given(...started), failed('research', 'no sources', 10_000))).toEqual(failure);
      expect(when(given(...started, failed('research', 'no sources', 10_000)), done('facts', {}, 20_000, researcher2))).toEqual([]);
    });

    it('compensate: the step fails and its compensation is queued with the error resolved; its completion fails the workflow, saying what compensated', () => {
      const shipping = [run(order, { amount: 42 }), allow(), stepAllowed('charge', 'charge'), ran('charge', { id: 'ch_1' }, 10_000, charger), stepAllowed('ship', 'ship', 11_000), assigned('ship', 12_000, shipper)];
      expect(when(given(...shipping), failedInput(workflowId, 'ship', 1, 'out of stock', 20_000, shipper))).toEqual([
        { type: 'StepFailed', payload: { workflowId, stepId: 'ship', attempt: 1, error: 'out of stock' } },
        stepChecked('refund', capability('refund'), ['ship', 'charge']),
      ]);
      const compensating = [...shipping, failedInput(workflowId, 'ship', 1, 'out of stock', 20_000, shipper)];
      expect(when(given(...compensating), stepAllowed('refund', 'refund', 20_500))).toEqual([queued('refund', 'refund', { why: 'shipping failed: out of stock', amount: 42, charge: 'ch_1' }, 20_500, { timeoutMs: 30_000, from: ['ship', 'charge'] })]);
      const refunding = given(...compensating, stepAllowed('refund', 'refund', 20_500), assigned('refund', 21_000, refunder));
      expect(eventsOf(refunding, 'TaskAssigned').at(-1)?.payload).toMatchObject({ stepId: 'refund', capability: 'refund', agent: 'refunder', deadline: iso(50_500) });
      expect(when(refunding, completedInput(workflowId, 'refund', 1, { refunded: 42 }, 25_000, refunder))).toEqual([
        stepCompleted('refund', { refunded: 42 }, { from: ['ship', 'charge'] }),
        { type: 'WorkflowFailed', payload: { workflowId, reason: 'step ship failed: out of stock', failedStep: 'ship', compensatedBy: 'refund' } },
      ]);
      expect(when(refunding, failedInput(workflowId, 'refund', 1, 'bank down', 25_000, refunder))).toEqual([
        { type: 'StepFailed', payload: { workflowId, stepId: 'refund', attempt: 1, error: 'bank down' } },
        { type: 'WorkflowFailed', payload: { workflowId, reason: 'step ship failed: out of stock; compensation refund failed too: bank down', failedStep: 'ship' } },
      ]);
    });
  });

  describe('a compensation under way', () => {
    /** Two steps share a compensation; a third branch has a dependent. */
    const saga = workflow(
      'name: saga',
      'steps:',
      '  - id: book-hotel',
      '    capability: charge',
      '    onFailure: { compensate: refund }',
      '  - id: book-flight',
      '    capability: charge',
      '    onFailure: { compensate: refund }',
      '  - id: research',
      '    capability: research',
      '  - id: write',
      '    capability: write',
      '    needs: [research]',
      'compensations:',
      '  - id: refund',
      '    capability: refund',
      '    input: { why: "${steps.book-hotel.error}" }',
    );
    const refunding = () =>
      given(
        run(saga, {}),
        allow(),
        stepAllowed('book-hotel', 'charge'),
        stepAllowed('book-flight', 'charge'),
        stepAllowed('research', 'research'),
        assigned('book-hotel', 2_000, charger),
        assigned('book-flight', 2_000, charger2),
        assigned('research', 2_000),
        failedInput(workflowId, 'book-hotel', 1, 'no rooms', 10_000, charger),
        stepAllowed('refund', 'refund', 10_000),
        assigned('refund', 11_000, refunder),
      );

    it('given a compensation running for one failed step, when its compensation completes, then the workflow fails naming the first failure', () => {
      expect(eventsOf(refunding(), 'TaskQueued').at(-1)?.payload).toEqual(queued('refund', 'refund', { why: 'no rooms' }, 10_000, { from: ['book-hotel'] }).payload);
      expect(when(refunding(), completedInput(workflowId, 'refund', 1, 'ok', 20_000, refunder))).toEqual([
        stepCompleted('refund', 'ok', { from: ['book-hotel'] }),
        { type: 'WorkflowFailed', payload: { workflowId, reason: 'step book-hotel failed: no rooms', failedStep: 'book-hotel', compensatedBy: 'refund' } },
      ]);
    });

    // Two failed steps sharing a compensation must not run it twice.
    it('given a compensation already running, when another step with the same compensation fails, then only that failure is recorded', () => {
      expect(when(refunding(), failedInput(workflowId, 'book-flight', 1, 'no seats', 12_000, charger2))).toEqual([{ type: 'StepFailed', payload: { workflowId, stepId: 'book-flight', attempt: 1, error: 'no seats' } }]);
    });

    // Once a compensation runs, the run can only fail: no new work starts.
    it('given a compensation running, when a step of another branch completes, then it is recorded but nothing new is queued', () => {
      expect(when(refunding(), done('research', 'notes', 12_000))).toEqual([stepCompleted('research', 'notes')]);
    });
  });

  describe('instances, budget and the end of a run', () => {
    it('given two assigned tasks, when one instance goes down, then only its task is queued again, with the same id, input and deadline', () => {
      const allowed = [run(report), allow(), stepAllowed('research', 'research'), stepAllowed('facts', 'research')];
      const twoAssigned = given(...allowed, assigned('research', 2_000), assigned('facts', 3_000, researcher2));
      const [original] = eventsOf(twoAssigned, 'TaskQueued').filter((e) => e.payload.stepId === 'research');
      const decisions = when(twoAssigned, instanceDownInput(researcher, 40_000));
      expect(decisions).toEqual([{ type: 'TaskQueued', payload: original.payload }]);
      expect(decisions).toEqual([queued('research', 'research', { topic: 'llamas' }, 1_000)]);
      const after = stateOf(given(...allowed, assigned('research', 2_000), assigned('facts', 3_000, researcher2), instanceDownInput(researcher, 40_000)));
      expect(after.steps).toEqual({
        research: { status: 'queued', attempt: 1, taskId: taskIdOf(workflowId, 'research', 1), deadline: iso(1_000 + MINUTE), input: { topic: 'llamas' } },
        facts: { status: 'assigned', attempt: 1, taskId: taskIdOf(workflowId, 'facts', 1), deadline: iso(1_000 + MINUTE), input: { topic: 'facts about llamas' }, instanceId: 'researcher-2' },
        write: { status: 'waiting', attempt: 0 },
      });
    });

    it('given a running workflow, when its budget is spent, then it fails with the overrun', () => {
      expect(when(given(run(report), allow()), budgetInput(workflowId, 5_000))).toEqual([{ type: 'WorkflowFailed', payload: { workflowId, reason: 'budget spent: tokens 150 of 100 for this workflow' } }]);
    });

    it('given a settled workflow, when anything else arrives, then nothing is decided', () => {
      const completed = given(run(chain), allow(), stepAllowed('research', 'research'), ran('research', {}, 2_000), stepAllowed('write', 'write', 2_000), ran('write', {}, 3_000, writer));
      expect(stateOf(completed).status).toBe('completed');
      const rejected = given(run({ ...chain, steps: [{ ...chain.steps[0], target: { capability: 'nope' } }], output: undefined }));
      expect(stateOf(rejected).status).toBe('rejected');
      for (const history of [completed, rejected]) {
        for (const input of [
          run(chain),
          allow(9_000),
          stepAllowed('write', 'write', 9_000),
          budgetInput(workflowId, 9_000),
          assignInput(workflowId, 'research', 1, researcher, 9_000),
          done('research', {}, 9_000),
          failed('write', 'x', 9_000, writer),
          timerInput(workflowId, 'deadline', 'write', 1, 9_000),
          instanceDownInput(writer, 9_000),
        ]) {
          expect(when(history, input)).toEqual([]);
        }
      }
    });
  });

  describe('evolve', () => {
    const inputs = [
      run(order, { amount: 42 }),
      allow(),
      stepAllowed('charge', 'charge'),
      assignInput(workflowId, 'charge', 1, charger, 2_000),
      done('charge', { id: 'ch_1' }, 10_000, charger),
      stepAllowed('ship', 'ship', 10_500),
      assignInput(workflowId, 'ship', 1, shipper, 11_000),
      failedInput(workflowId, 'ship', 1, 'out of stock', 20_000, shipper),
      stepAllowed('refund', 'refund', 20_500),
      assignInput(workflowId, 'refund', 1, refunder, 21_000),
      instanceDownInput(refunder, 22_000),
      assignInput(workflowId, 'refund', 1, refunder, 23_000),
      completedInput(workflowId, 'refund', 1, { refunded: 42 }, 25_000, refunder),
    ];

    it('is deterministic: folding the same history twice gives equal states', () => {
      const { history } = record(...inputs);
      expect(fold(orchestrationDecider, history)).toEqual(fold(orchestrationDecider, structuredClone(history)));
      expect(stateOf(history)).toMatchObject({ status: 'failed', kind: 'workflow', runId: workflowId, failure: { step: 'ship', error: 'out of stock' }, steps: { refund: { status: 'completed', output: { refunded: 42 } } } });
    });

    it('replaying the stored history gives, before each input, the state the decider saw, and the same decisions', () => {
      const { history, steps } = record(...inputs);
      const stored = JSON.parse(JSON.stringify(history));
      for (const step of steps) {
        const replayed = fold(orchestrationDecider, stored.slice(0, step.historyLength));
        expect(replayed).toEqual(step.state);
        expect(orchestrationDecider.decide(step.input, replayed)).toEqual(step.decisions);
      }
      expect(steps.filter((s) => s.decisions.length === 0).map((s) => s.input.kind)).toEqual([]);
    });
  });
});
