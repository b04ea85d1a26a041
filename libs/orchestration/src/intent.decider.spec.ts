import { deriveId, type Actor } from '@agentos/contracts';
import { fold } from '@agentos/decider';
import { backoffDelayMs } from '@agentos/workflow';
import { orchestrationDecider, refusalOf, type RunInput } from './orchestration.decider';
import { initialRunState } from './run-state';
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
  message,
  policyInput,
  policyRequestIdOf,
  record,
  rejectInput,
  stateOf,
  submitInput,
  taskIdOf,
  timerInput,
  when,
} from './test-fixtures';

const intentId = deriveId('spec', 'intent');
const goal = 'summarise Q3';
const submit = submitInput({ intentId, goal, capability: 'summarise', input: { doc: 'q3.txt' } });
const summariser = agent('summariser', ['summarise'], '1.2.0');
const abstracter = agent('abstracter', ['summarise']);
const writer = agent('writer', ['write']);
const catalogue = [writer, summariser, abstracter];
const allow = (ms = 1_000, killSwitches = [killSwitch('tenant', 'globex')]) => policyInput(intentId, 'allow', ms, { catalogue, killSwitches });

/** Intents run one step with a 10-minute timeout and two retries. */
const TIMEOUT_MS = 600_000;
const RETRIES = { max: 2, initialBackoffMs: 250, maxBackoffMs: 10_000 };
const delayAfter = (attempt: number) => backoffDelayMs(RETRIES, attempt, `${intentId}/main/${attempt}`);

const queued = (attempt: number, queuedAtMs: number) => ({
  type: 'TaskQueued',
  payload: {
    taskId: taskIdOf(intentId, 'main', attempt),
    intentId,
    stepId: 'main',
    attempt,
    target: { capability: 'summarise' },
    input: { goal, doc: 'q3.txt' },
    priority: 'normal',
    timeoutMs: TIMEOUT_MS,
    deadline: iso(queuedAtMs + TIMEOUT_MS),
  },
});

/** Submitted at 0, allowed at 1s: attempt 1 queued with its deadline at 1s + 10 min. */
const running = () => given(submit, allow());
/** The scheduler hands an attempt to an instance (the summariser's by default). */
const assigned = (attempt: number, ms: number, instance = summariser) => assignInput(intentId, 'main', attempt, instance, ms);

describe('orchestration decider: intents', () => {
  describe('submission and policy', () => {
    it('given nothing, when an intent is submitted, then it is recorded and a policy check is requested', () => {
      expect(when([], submit)).toEqual([
        { type: 'IntentSubmitted', payload: { intentId, goal, capability: 'summarise', input: { doc: 'q3.txt' } } },
        {
          type: 'PolicyCheckRequested',
          payload: {
            requestId: deriveId(intentId, 'policy', 'intent.submit'),
            intentId,
            action: 'intent.submit',
            subject: { owner: 'alice' },
            resource: { kind: 'capability', name: 'summarise' },
            context: { goal },
          },
        },
      ]);
    });

    it('given a submitted intent, when it is submitted again, then nothing is decided', () => {
      expect(when(given(submit), submit)).toEqual([]);
    });

    it('given a pending policy check, when policy denies, then the intent is rejected with the rule', () => {
      expect(when(given(submit), policyInput(intentId, 'deny', 1_000, { rule: 'no-llm-after-hours', reason: 'after hours' }))).toEqual([
        { type: 'IntentRejected', payload: { intentId, reason: 'after hours', rule: 'no-llm-after-hours' } },
      ]);
    });

    it('given a pending policy check, when a decision for another request arrives, then it is ignored', () => {
      expect(when(given(submit), policyInput(intentId, 'allow', 1_000, { catalogue, requestId: deriveId('another', 'request') }))).toEqual([]);
    });

    it('given a pending policy check, when policy requires approval, then approval is requested with the rule', () => {
      expect(when(given(submit), policyInput(intentId, 'require_approval', 1_000, { rule: 'big-spend', reason: 'needs a manager' }))).toEqual([
        { type: 'ApprovalRequested', payload: { intentId, rule: 'big-spend', reason: 'needs a manager' } },
      ]);
    });

    it('given a pending policy check, when policy allows, then the task is queued for the capability with the goal in its input', () => {
      expect(when(given(submit), allow(1_000))).toEqual([queued(1, 1_000)]);
    });

    it('the task id depends only on the intent and the attempt: the same inputs give the same id, another intent another id', () => {
      const [first] = when(given(submit), allow());
      const [again] = when(given(submit), allow(5_000));
      const otherId = deriveId('spec', 'other intent');
      const [other] = when(given(submitInput({ intentId: otherId, goal, capability: 'summarise' })), policyInput(otherId, 'allow', 1_000, { catalogue }));
      const taskId = (d: { payload: unknown }) => (d.payload as { taskId: string }).taskId;
      expect(taskId(first)).toBe(deriveId(intentId, 'task', 'main', '1'));
      expect(taskId(again)).toBe(taskId(first));
      expect(taskId(other)).toBe(deriveId(otherId, 'task', 'main', '1'));
    });

    it('given a pending policy check, when policy allows but no catalogued agent offers the capability, then the intent fails saying so', () => {
      expect(when(given(submit), policyInput(intentId, 'allow', 1_000, { catalogue: [writer] }))).toEqual([
        { type: 'IntentFailed', payload: { intentId, reason: 'no registered agent offers capability summarise' } },
      ]);
    });

    it('given an intent pinned to an agent version, when policy allows, then the pin is checked and passed on in the target', () => {
      const pinned = submitInput({ intentId, goal, capability: 'summarise', agent: { name: 'summariser', version: '1.2.0' } });
      expect(when(given(pinned), policyInput(intentId, 'allow', 1_000, { catalogue: [abstracter, agent('summariser', ['summarise'], '1.3.0')] }))).toEqual([
        { type: 'IntentFailed', payload: { intentId, reason: 'no registered agent offers agent summariser@1.2.0' } },
      ]);
      const [task] = when(given(pinned), policyInput(intentId, 'allow', 1_000, { catalogue }));
      expect(task).toEqual({ type: 'TaskQueued', payload: { ...queued(1, 1_000).payload, target: { capability: 'summarise', agent: { name: 'summariser', version: '1.2.0' } }, input: { goal } } });
    });
  });

  describe('approval', () => {
    const awaiting = () => given(submit, policyInput(intentId, 'require_approval', 1_000, { rule: 'big-spend', reason: 'needs a manager' }));

    it('given an approval request made at 1s, when a manager approves at 91s, then the approval records who and the exact wait, and the task is queued', () => {
      expect(when(awaiting(), approveInput(intentId, 91_000, { catalogue, comment: 'ok for Q3' }))).toEqual([
        { type: 'IntentApproved', payload: { intentId, approver: 'user:manager', comment: 'ok for Q3', waitedMs: 90_000 } },
        queued(1, 91_000),
      ]);
    });

    it('given an approval request, when a manager rejects it, then the intent is rejected under the approval rule', () => {
      expect(when(awaiting(), rejectInput(intentId, 5_000, 'not now'))).toEqual([{ type: 'IntentRejected', payload: { intentId, reason: 'rejected by user:manager: not now', rule: 'big-spend' } }]);
      expect(when(awaiting(), rejectInput(intentId, 5_000))).toEqual([{ type: 'IntentRejected', payload: { intentId, reason: 'rejected by user:manager', rule: 'big-spend' } }]);
    });

    it('given an approved or rejected intent, when another approval or rejection arrives, then nothing is decided', () => {
      const approved = given(submit, policyInput(intentId, 'require_approval', 1_000), approveInput(intentId, 2_000, { catalogue }));
      const rejected = given(submit, policyInput(intentId, 'require_approval', 1_000), rejectInput(intentId, 2_000));
      expect(when(approved, rejectInput(intentId, 3_000))).toEqual([]);
      expect(when(approved, approveInput(intentId, 3_000, { catalogue }))).toEqual([]);
      expect(when(rejected, approveInput(intentId, 3_000, { catalogue }))).toEqual([]);
    });

    it('given no approval request, when an approval arrives, then nothing is decided', () => {
      expect(when(given(submit), approveInput(intentId, 3_000, { catalogue }))).toEqual([]);
    });

    it('refuses outright an approval or rejection from an approver of another tenant, and one for a run that does not exist', () => {
      const foreign = (type: 'ApproveIntent' | 'RejectIntent'): RunInput =>
        type === 'ApproveIntent'
          ? { kind: 'approve', message: message('ApproveIntent', { intentId }, 2_000, { kind: 'user', id: 'mallory' }, 'globex'), catalogue, killSwitches: [] }
          : { kind: 'reject', message: message('RejectIntent', { intentId }, 2_000, { kind: 'user', id: 'mallory' }, 'globex') };
      for (const type of ['ApproveIntent', 'RejectIntent'] as const) {
        expect(refusalOf(foreign(type), stateOf(awaiting()))).toBe(`${type} for run ${intentId} from tenant globex, but the run belongs to another tenant`);
      }
      expect(refusalOf(approveInput(intentId, 2_000, { catalogue }), stateOf(awaiting()))).toBeUndefined();
      expect(refusalOf(approveInput(intentId, 2_000, { catalogue }), orchestrationDecider.initialState)).toBe(`ApproveIntent for run ${intentId}: no such run`);
    });
  });

  describe('kill switches', () => {
    it('given an allowed intent, when a kill switch covers its workflow or its tenant, then it is rejected naming the switch', () => {
      expect(when(given(submit), allow(1_000, [killSwitch('workflow', intentId, 'runaway')]))).toEqual([
        { type: 'IntentRejected', payload: { intentId, reason: `kill switch (workflow ${intentId}): runaway`, rule: `kill-switch:workflow:${intentId}` } },
      ]);
      expect(when(given(submit), allow(1_000, [killSwitch('tenant', 'acme')]))).toEqual([{ type: 'IntentRejected', payload: { intentId, reason: 'kill switch (tenant acme): incident', rule: 'kill-switch:tenant:acme' } }]);
    });

    it('given an allowed intent, when agent kill switches cover every capable agent, then it is rejected; if one is left, it is queued', () => {
      expect(when(given(submit), allow(1_000, [killSwitch('agent', 'summariser'), killSwitch('agent', 'abstracter')]))).toEqual([
        { type: 'IntentRejected', payload: { intentId, reason: 'every agent that could take it is stopped by a kill switch', rule: 'kill-switch:agent' } },
      ]);
      expect(when(given(submit), allow(1_000, [killSwitch('agent', 'summariser'), killSwitch('agent', 'writer')]))).toEqual([queued(1, 1_000)]);
    });

    it('given an approval request, when it is approved while a kill switch covers the run, then the approval is recorded and the intent rejected', () => {
      const awaiting = given(submit, policyInput(intentId, 'require_approval', 1_000));
      expect(when(awaiting, approveInput(intentId, 2_000, { catalogue, killSwitches: [killSwitch('global', '*', 'freeze')] }))).toEqual([
        { type: 'IntentApproved', payload: { intentId, approver: 'user:manager', waitedMs: 1_000 } },
        { type: 'IntentRejected', payload: { intentId, reason: 'kill switch (global *): freeze', rule: 'kill-switch:global:*' } },
      ]);
    });
  });

  describe('assignment', () => {
    it('given a queued task, when the scheduler assigns it, then the instance, its version, the step and the deadline are recorded', () => {
      expect(when(running(), assignInput(intentId, 'main', 1, summariser, 5_000))).toEqual([
        {
          type: 'TaskAssigned',
          payload: {
            taskId: taskIdOf(intentId, 'main', 1),
            intentId,
            stepId: 'main',
            attempt: 1,
            agent: 'summariser',
            agentVersion: '1.2.0',
            instanceId: 'summariser-1',
            capability: 'summarise',
            input: { goal, doc: 'q3.txt' },
            deadline: iso(1_000 + TIMEOUT_MS),
          },
        },
      ]);
    });

    it('given a queued task, when a kill switch now covers the run or the chosen agent, then the intent is rejected naming it', () => {
      expect(when(running(), assignInput(intentId, 'main', 1, summariser, 5_000, [killSwitch('workflow', intentId)]))).toEqual([
        { type: 'IntentRejected', payload: { intentId, reason: `kill switch (workflow ${intentId}): incident`, rule: `kill-switch:workflow:${intentId}` } },
      ]);
      expect(when(running(), assignInput(intentId, 'main', 1, summariser, 5_000, [killSwitch('agent', 'abstracter'), killSwitch('agent', 'summariser', 'leaks')]))).toEqual([
        { type: 'IntentRejected', payload: { intentId, reason: 'kill switch (agent summariser): leaks', rule: 'kill-switch:agent:summariser' } },
      ]);
    });

    it("given a queued task, when its input fails the chosen agent version's input schema, then the intent fails at once naming every problem, and nothing is assigned or retried", () => {
      const problems = [
        { path: 'input.doc', message: 'Invalid input: expected number, received string' },
        { path: 'input.pages', message: 'Invalid input: expected array, received undefined' },
      ];
      const reason = 'input does not match the input schema summariser@1.2.0 registered: input.doc: Invalid input: expected number, received string; input.pages: Invalid input: expected array, received undefined';
      expect(when(running(), { ...assignInput(intentId, 'main', 1, summariser, 5_000), inputProblems: problems } as RunInput)).toEqual([
        { type: 'StepFailed', payload: { workflowId: intentId, stepId: 'main', attempt: 1, error: reason } },
        { type: 'IntentFailed', payload: { intentId, reason: `task failed: ${reason}` } },
      ]);
    });

    it('given a queued task, when its input has more problems than a reason lists, then the first hundred are named and the rest counted', () => {
      const problems = Array.from({ length: 130 }, (_, i) => ({ path: `input.items.${i}`, message: 'Invalid input' }));
      const [failed] = when(running(), { ...assignInput(intentId, 'main', 1, summariser, 5_000), inputProblems: problems } as RunInput);
      expect(failed.payload).toMatchObject({ error: expect.stringMatching(/input\.items\.99: Invalid input; and 30 more$/) });
      expect(String((failed.payload as { error: string }).error)).not.toContain('input.items.100');
    });

    it('given a queued task, when an assignment names another task id or the task is already assigned, then nothing is decided', () => {
      expect(when(running(), assignInput(intentId, 'main', 2, summariser, 5_000))).toEqual([]);
      expect(when(given(submit, allow(), assignInput(intentId, 'main', 1, summariser, 5_000)), assignInput(intentId, 'main', 1, abstracter, 6_000))).toEqual([]);
    });
  });

  describe('outcome', () => {
    it('given an assigned task, when the agent completes it, then the intent completes with its output', () => {
      const history = given(submit, allow(), assignInput(intentId, 'main', 1, summariser, 5_000));
      expect(when(history, completedInput(intentId, 'main', 1, { summary: 'ok' }, 9_000, summariser))).toEqual([
        { type: 'IntentCompleted', payload: { intentId, taskId: taskIdOf(intentId, 'main', 1), output: { summary: 'ok' } } },
      ]);
    });

    describe('who may report on a task', () => {
      const completion = (over: { actor?: Actor; tenant?: string; instanceId?: string; agent?: string; attempt?: number } = {}): RunInput => {
        const { actor = { kind: 'agent', id: 'summariser@1.2.0' }, tenant = 'acme', instanceId = 'summariser-1', agent: name = 'summariser', attempt = 1 } = over;
        const payload = { taskId: taskIdOf(intentId, 'main', attempt), intentId, stepId: 'main', attempt, agent: name, agentVersion: '1.2.0', instanceId, output: { summary: 'forged' } };
        return { kind: 'task-completed', message: message('TaskCompleted', payload, 9_000, actor, tenant) };
      };
      const history = () => given(submit, allow(), assigned(1, 5_000));
      const refusal = (input: RunInput) => refusalOf(input, stateOf(history()));
      const about = `TaskCompleted for task ${taskIdOf(intentId, 'main', 1)}`;

      it('given an assigned task, when its instance reports as its agent in the run tenant, then it is applied', () => {
        expect(refusal(completion())).toBeUndefined();
        expect(when(history(), completion())).toEqual([{ type: 'IntentCompleted', payload: { intentId, taskId: taskIdOf(intentId, 'main', 1), output: { summary: 'forged' } } }]);
      });

      it('given an assigned task, when another instance, agent, actor kind or tenant reports on it, then it is refused naming the mismatch and nothing is decided', () => {
        const refused: [RunInput, string][] = [
          [completion({ instanceId: 'summariser-2' }), `${about} from agent:summariser@1.2.0 instance summariser-2 (payload agent summariser), but the task is assigned to summariser instance summariser-1`],
          [completion({ actor: { kind: 'agent', id: 'abstracter@1.0.0' } }), `${about} from agent:abstracter@1.0.0 instance summariser-1 (payload agent summariser), but the task is assigned to summariser instance summariser-1`],
          [completion({ actor: { kind: 'agent', id: 'abstracter@1.0.0' }, agent: 'abstracter' }), `${about} from agent:abstracter@1.0.0 instance summariser-1 (payload agent abstracter), but the task is assigned to summariser instance summariser-1`],
          [completion({ actor: { kind: 'user', id: 'summariser' } }), `${about} from user:summariser instance summariser-1 (payload agent summariser), but the task is assigned to summariser instance summariser-1`],
          [completion({ tenant: 'globex' }), `${about} from agent:summariser@1.2.0 instance summariser-1 in tenant globex, but run ${intentId} belongs to tenant acme`],
          [completion({ attempt: 2 }), `TaskCompleted for task ${taskIdOf(intentId, 'main', 2)} from agent:summariser@1.2.0 instance summariser-1, but run ${intentId} never assigned that task`],
        ];
        for (const [input, reason] of refused) {
          expect(refusal(input)).toBe(reason);
          expect(when(history(), input)).toEqual([]);
        }
      });

      it('given a run, when a screening flag names it from another tenant or names a run that does not exist, then it is refused; from its tenant it is recorded', () => {
        const flag = (tenant: string): RunInput => {
          const payload = { intentId, origin: 'tool_result' as const, source: 'web', score: 0.9, categories: ['override'], action: 'mark' as const, excerpt: 'ignore all' };
          return { kind: 'recorded', message: message('ContentFlagged', payload, 9_000, { kind: 'service', id: 'policy' }, tenant) };
        };
        expect(refusal(flag('acme'))).toBeUndefined();
        expect(refusal(flag('globex'))).toBe(`ContentFlagged in tenant globex, but run ${intentId} belongs to tenant acme`);
        expect(refusalOf(flag('acme'), orchestrationDecider.initialState)).toBe(`ContentFlagged for run ${intentId}, which does not exist`);
      });

      it('given a task taken back from an instance that went down, when that instance reports late, then it is not refused but not applied either', () => {
        const requeued = given(submit, allow(), assigned(1, 5_000), instanceDownInput(summariser, 6_000), assigned(1, 7_000, abstracter));
        expect(refusalOf(completion(), stateOf(requeued))).toBeUndefined();
        expect(when(requeued, completion())).toEqual([]);
      });
    });

    it('given an assigned task, when its attempt fails retryably, then a retry is scheduled with the exact back-off and due time', () => {
      const history = given(submit, allow(), assignInput(intentId, 'main', 1, summariser, 5_000));
      expect(when(history, failedInput(intentId, 'main', 1, 'boom', 10_000, summariser))).toEqual([
        { type: 'StepRetryScheduled', payload: { workflowId: intentId, stepId: 'main', attempt: 2, delayMs: delayAfter(1), dueAt: iso(10_000 + delayAfter(1)), error: 'boom' } },
      ]);
    });

    it('given a scheduled retry, when its timer fires, then attempt 2 is queued under a new task id; a second or mismatched timer does nothing', () => {
      const waiting = given(submit, allow(), assigned(1, 5_000), failedInput(intentId, 'main', 1, 'boom', 10_000, summariser));
      expect(when(waiting, timerInput(intentId, 'retry', 'main', 3, 11_000))).toEqual([]);
      expect(when(waiting, timerInput(intentId, 'retry', 'main', 2, 11_000))).toEqual([queued(2, 11_000)]);
      expect(taskIdOf(intentId, 'main', 2)).not.toBe(taskIdOf(intentId, 'main', 1));
      expect(when(given(submit, allow(), assigned(1, 5_000), failedInput(intentId, 'main', 1, 'boom', 10_000, summariser), timerInput(intentId, 'retry', 'main', 2, 11_000)), timerInput(intentId, 'retry', 'main', 2, 12_000))).toEqual([]);
    });

    it('given two retries spent, when the third attempt fails, then the intent fails with the error', () => {
      const third = given(
        submit,
        allow(),
        assigned(1, 5_000),
        failedInput(intentId, 'main', 1, 'boom', 10_000, summariser),
        timerInput(intentId, 'retry', 'main', 2, 11_000),
        assigned(2, 15_000),
        failedInput(intentId, 'main', 2, 'boom', 20_000, summariser),
        timerInput(intentId, 'retry', 'main', 3, 21_000),
        assigned(3, 25_000),
      );
      expect(eventsOf(third, 'StepRetryScheduled').map((e) => e.payload)).toEqual([
        { workflowId: intentId, stepId: 'main', attempt: 2, delayMs: delayAfter(1), dueAt: iso(10_000 + delayAfter(1)), error: 'boom' },
        { workflowId: intentId, stepId: 'main', attempt: 3, delayMs: delayAfter(2), dueAt: iso(20_000 + delayAfter(2)), error: 'boom' },
      ]);
      expect(eventsOf(third, 'TaskQueued').map((e) => e.payload)).toEqual([queued(1, 1_000).payload, queued(2, 11_000).payload, queued(3, 21_000).payload]);
      expect(when(third, failedInput(intentId, 'main', 3, 'boom', 30_000, summariser))).toEqual([
        { type: 'StepFailed', payload: { workflowId: intentId, stepId: 'main', attempt: 3, error: 'boom' } },
        { type: 'IntentFailed', payload: { intentId, reason: 'task failed: boom' } },
      ]);
    });

    it('given a running task, when its attempt fails as not retryable, then the intent fails at once', () => {
      expect(when(given(submit, allow(), assigned(1, 5_000)), failedInput(intentId, 'main', 1, 'invalid input', 10_000, summariser, false))).toEqual([
        { type: 'StepFailed', payload: { workflowId: intentId, stepId: 'main', attempt: 1, error: 'invalid input' } },
        { type: 'IntentFailed', payload: { intentId, reason: 'task failed: invalid input' } },
      ]);
    });

    it('given attempt 2 queued after a failure, when a late completion of attempt 1 arrives, then it is ignored; attempt 2 completing completes the intent', () => {
      const retried = given(submit, allow(), assigned(1, 5_000), failedInput(intentId, 'main', 1, 'boom', 10_000, summariser), timerInput(intentId, 'retry', 'main', 2, 11_000));
      expect(when(retried, completedInput(intentId, 'main', 1, { summary: 'late' }, 12_000, summariser))).toEqual([]);
      expect(when(retried, failedInput(intentId, 'main', 1, 'late', 12_000, summariser))).toEqual([]);
      expect(when(given(submit, allow(), assigned(1, 5_000), failedInput(intentId, 'main', 1, 'boom', 10_000, summariser), timerInput(intentId, 'retry', 'main', 2, 11_000), assigned(2, 11_500, abstracter)), completedInput(intentId, 'main', 2, { summary: 'ok' }, 12_000, abstracter))).toEqual([
        { type: 'IntentCompleted', payload: { intentId, taskId: taskIdOf(intentId, 'main', 2), output: { summary: 'ok' } } },
      ]);
    });

    it('given a queued task nobody took, when its deadline fires, then it expires and a retry is scheduled', () => {
      const dueAt = 1_000 + TIMEOUT_MS;
      expect(when(running(), timerInput(intentId, 'deadline', 'main', 1, dueAt))).toEqual([
        { type: 'TaskExpired', payload: { taskId: taskIdOf(intentId, 'main', 1), intentId, stepId: 'main', attempt: 1, timeoutMs: TIMEOUT_MS, reason: 'no agent instance took it in time' } },
        {
          type: 'StepRetryScheduled',
          payload: { workflowId: intentId, stepId: 'main', attempt: 2, delayMs: delayAfter(1), dueAt: iso(dueAt + delayAfter(1)), error: `timed out after ${TIMEOUT_MS} ms: no agent instance took it in time` },
        },
      ]);
    });

    it('given an assigned task, when its deadline fires, then it expires naming the instance', () => {
      const [expired] = when(given(submit, allow(), assignInput(intentId, 'main', 1, summariser, 5_000)), timerInput(intentId, 'deadline', 'main', 1, 1_000 + TIMEOUT_MS));
      expect(expired).toEqual({
        type: 'TaskExpired',
        payload: { taskId: taskIdOf(intentId, 'main', 1), intentId, stepId: 'main', attempt: 1, instanceId: 'summariser-1', timeoutMs: TIMEOUT_MS, reason: 'instance summariser-1 did not finish in time' },
      });
    });

    it('given an assigned task, when its instance goes down, then the same task is queued again with its deadline', () => {
      const history = given(submit, allow(), assignInput(intentId, 'main', 1, summariser, 5_000));
      expect(when(history, instanceDownInput(summariser, 60_000))).toEqual([queued(1, 1_000)]);
      expect(when(history, instanceDownInput(abstracter, 60_000))).toEqual([]);
    });

    it('given a running intent, when its budget is spent, then it fails with the overrun; before submission, nothing', () => {
      expect(when(running(), budgetInput(intentId, 20_000))).toEqual([{ type: 'IntentFailed', payload: { intentId, reason: 'budget spent: tokens 150 of 100 for this workflow' } }]);
      expect(when([], budgetInput(intentId, 20_000))).toEqual([]);
    });

    it('given a settled intent, when anything else arrives, then nothing is decided', () => {
      const settled = [
        given(submit, allow(), assigned(1, 5_000), completedInput(intentId, 'main', 1, { summary: 'ok' }, 9_000, summariser)),
        given(submit, allow(), assigned(1, 5_000), failedInput(intentId, 'main', 1, 'no', 9_000, summariser, false)),
        given(submit, policyInput(intentId, 'deny', 1_000)),
      ];
      for (const history of settled) {
        for (const input of [
          submit,
          allow(20_000),
          approveInput(intentId, 20_000, { catalogue }),
          rejectInput(intentId, 20_000),
          budgetInput(intentId, 20_000),
          assignInput(intentId, 'main', 1, summariser, 20_000),
          completedInput(intentId, 'main', 1, {}, 20_000, summariser),
          failedInput(intentId, 'main', 1, 'boom', 20_000, summariser),
          timerInput(intentId, 'deadline', 'main', 1, 20_000),
          timerInput(intentId, 'retry', 'main', 2, 20_000),
          instanceDownInput(summariser, 20_000),
        ]) {
          expect(when(history, input)).toEqual([]);
        }
      }
    });
  });

  describe('evolve', () => {
    const inputs = [
      submit,
      policyInput(intentId, 'require_approval', 1_000),
      approveInput(intentId, 2_000, { catalogue }),
      assignInput(intentId, 'main', 1, summariser, 3_000),
      failedInput(intentId, 'main', 1, 'boom', 4_000, summariser),
      timerInput(intentId, 'retry', 'main', 2, 5_000),
      assignInput(intentId, 'main', 2, summariser, 5_500),
      instanceDownInput(summariser, 6_000),
      assignInput(intentId, 'main', 2, abstracter, 7_000),
      completedInput(intentId, 'main', 2, { summary: 'ok' }, 8_000, abstracter),
    ];

    it('is deterministic: folding the same history twice gives equal states and leaves the initial state alone', () => {
      const { history } = record(...inputs);
      expect(fold(orchestrationDecider, history)).toEqual(fold(orchestrationDecider, structuredClone(history)));
      expect(stateOf(history)).toMatchObject({ status: 'completed', kind: 'intent', runId: intentId, tenant: 'acme', steps: { main: { status: 'completed', attempt: 2, output: { summary: 'ok' } } } });
      expect(initialRunState).toEqual({ status: 'new', input: {}, priority: 'normal', steps: {}, assignments: {}, approvals: {} });
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
      expect(steps.at(-1)?.state.approvalRequestedAt).toBe(iso(1_000));
      expect(policyRequestIdOf(intentId)).toBe(steps.at(-1)?.state.policyRequestId);
    });
  });
});
