import { createMessage, deriveId, type PayloadInput } from '@agentos/contracts';
import { approvalState } from './call-approvals';
import { orchestrationDecider, refusalOf, type RunInput } from './orchestration.decider';
import { agent, assignInput, completedInput, failedInput, given, iso, manager, message, policyInput, runInput, stateOf, stepPolicyInput, taskIdOf, timerInput, when, workflow } from './test-fixtures';

const runId = deriveId('spec', 'call-approvals');
const payer = agent('payer', ['pay']);
const taskId = taskIdOf(runId, 'pay', 1);
const approvalId = deriveId(taskId, 'approval', 'approval:1');
const definition = workflow('name: pay', 'steps:', '  - { id: pay, capability: pay, timeout: 1m, input: { amount: "${input.amount}" } }');
const paying = [
  runInput({ workflowId: runId, definition, input: { amount: 42 } }, [payer]),
  policyInput(runId, 'allow', 1_000, { catalogue: [payer] }),
  stepPolicyInput(runId, 'pay', 'pay', 'allow', 1_500),
  assignInput(runId, 'pay', 1, payer, 2_000),
];

const call: PayloadInput<'CallParked'> = {
  approvalId,
  intentId: runId,
  taskId,
  stepId: 'pay',
  agent: 'payer',
  instanceId: payer.instanceId,
  action: 'tool.call',
  resource: { kind: 'tool', name: 'pay' },
  args: { amount: 42 },
  rule: 'payments-need-approval',
  reason: 'payments need a second person',
};
const parked = (ms: number, over: Partial<PayloadInput<'CallParked'>> = {}): RunInput => ({ kind: 'call-parked', message: message('CallParked', { ...call, ...over }, ms, { kind: 'agent', id: 'payer' }) });
const decide = (kind: 'approve' | 'reject', ms: number, comment?: string): RunInput =>
  ({ kind, message: message(kind === 'approve' ? 'ApproveIntent' : 'RejectIntent', { intentId: runId, approvalId, ...(comment ? { comment } : {}) }, ms, manager), catalogue: [], killSwitches: [] }) as RunInput;
/** What the orchestrator records of a parked call: all the agent said but which instance it was. */
const withoutInstance = (parkedCall: PayloadInput<'CallParked'>) => Object.fromEntries(Object.entries(parkedCall).filter(([key]) => key !== 'instanceId'));
const refused = (command: string, reason: string) => [{ type: 'RunCommandRefused', payload: { runId, command, refusedFor: 'user:manager', reason } }];

describe('orchestration decider: approvals inside a run', () => {
  it('given a running step, when its agent parks a call, then an approval is requested until the step deadline; parked again (a redelivery), nothing more', () => {
    expect(when(given(...paying), parked(3_000))).toEqual([{ type: 'CallApprovalRequested', payload: { ...withoutInstance(call), expiresAt: iso(61_500) } }]);
    expect(when(given(...paying, parked(3_000)), parked(3_500))).toEqual([]);
    // Not the task the step waits on (another attempt, another instance): nothing is recorded.
    expect(when(given(...paying), parked(3_000, { instanceId: 'payer-2' }))).toEqual([]);
  });

  const { agent: caller, action, resource, args } = call;
  const recordedCall = { agent: caller, action, resource, args };

  it('given a parked call, when an approver approves it, then it is approved, naming who and how long it waited; the agent is told so', () => {
    const waiting = given(...paying, parked(3_000));
    expect(approvalState(stateOf(waiting), createMessage('GetCallApproval', { intentId: runId, approvalId }, { tenant: 'acme', actor: { kind: 'agent', id: 'payer@1.0.0' } }), approvalId)).toEqual({ status: 'pending', call: recordedCall });
    expect(when(waiting, decide('approve', 13_000, 'invoice checked'))).toEqual([
      { type: 'CallApproved', payload: { intentId: runId, approvalId, stepId: 'pay', approver: 'user:manager', comment: 'invoice checked', waitedMs: 10_000 } },
    ]);
    const approved = given(...paying, parked(3_000), decide('approve', 13_000));
    const asked = (tenant: string) => approvalState(stateOf(approved), createMessage('GetCallApproval', { intentId: runId, approvalId }, { tenant, actor: { kind: 'agent', id: 'payer@1.0.0' } }), approvalId);
    // The call as recorded goes with the answer (a service enforcing the approval checks it); never to another tenant.
    expect([asked('acme'), asked('globex')]).toEqual([{ status: 'approved', call: recordedCall }, { status: 'unknown' }]);
    expect(when(approved, completedInput(runId, 'pay', 1, { paid: 42 }, 14_000, payer)).map((d) => d.type)).toEqual(['StepCompleted', 'WorkflowCompleted']);
  });

  it('given a parked call, when it is rejected, then the agent is told why', () => {
    const rejected = given(...paying, parked(3_000), decide('reject', 5_000, 'not this card'));
    expect(stateOf(rejected).approvals[approvalId]).toMatchObject({ status: 'rejected', reason: 'rejected by user:manager: not this card' });
  });

  it('given a parked call, when the step deadline comes (or the task fails first), then the call is rejected with it and the attempt fails', () => {
    const waiting = [...paying, parked(3_000)];
    const rejection = { type: 'CallRejected', payload: { intentId: runId, approvalId, stepId: 'pay', rejectedBy: 'deadline', reason: `not decided before its task ended (deadline ${iso(61_500)})` } };
    expect(when(given(...waiting), timerInput(runId, 'deadline', 'pay', 1, 61_500)).slice(0, 2)).toEqual([rejection, expect.objectContaining({ type: 'TaskExpired' })]);
    expect(when(given(...waiting), failedInput(runId, 'pay', 1, 'aborted: deadline', 61_400, payer))[0]).toEqual(rejection);
  });

  it('given an approval decided, expired or unknown, when it is decided again, then that is refused with why and nothing changes', () => {
    expect(when(given(...paying, parked(3_000), decide('approve', 4_000)), decide('reject', 5_000))).toEqual(refused('RejectIntent', `approval ${approvalId} was already approved`));
    expect(when(given(...paying, parked(3_000)), decide('approve', 70_000))).toEqual(refused('ApproveIntent', `approval ${approvalId} expired at ${iso(61_500)}`));
    expect(when(given(...paying), decide('approve', 4_000))).toEqual(refused('ApproveIntent', `run ${runId} has no approval ${approvalId}`));
    const state = stateOf(given(...paying, parked(3_000)));
    const foreign: RunInput = { kind: 'approve', message: message('ApproveIntent', { intentId: runId, approvalId }, 4_000, manager, 'globex'), catalogue: [], killSwitches: [] };
    expect(refusalOf(foreign, state)).toBe(`ApproveIntent for run ${runId} from tenant globex, but the run belongs to another tenant`);
    expect(refusalOf(decide('approve', 4_000), orchestrationDecider.initialState)).toBe(`ApproveIntent for run ${runId}: no such run`);
  });
});
