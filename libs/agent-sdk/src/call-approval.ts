import { causedBy, createMessage, type Actor, type MessageOf, type PolicyAction, type ReplyOf } from '@agentos/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { PolicyDeniedError } from './define-agent';
import type { TaskPublisher } from './redaction';

/** How often a parked call asks whether it was decided. */
const POLL_MS = 250;

export interface ParkedCall {
  approvalId: string;
  action: PolicyAction;
  resource: { kind: string; name: string };
  args: Record<string, unknown>;
  verdict: Pick<ReplyOf<'CheckPolicy'>, 'rule' | 'reason'>;
}

export interface ParkingScope {
  task: MessageOf<'TaskAssigned'>;
  actor: Actor;
  agentName: string;
  instanceId: string;
  /** Waits out NATS and orchestrator outages (patientPublisher) and redacts what leaves (redactingPublisher). */
  publisher: TaskPublisher;
  /** The task's: its deadline, a kill switch or a cancelled run ends the wait. */
  signal: AbortSignal;
}

/**
 * A call a policy rule says needs approval is parked, not refused: the agent states CallParked and waits while
 * its task stays its own (the delivery is kept in progress and the step's lease refreshed, as for any call that
 * takes time), asking the orchestrator until an approver decides. Approved, the call goes on; rejected (by an
 * approver, or by the step's deadline), it fails with the reason, for good. The answer is read from the run's
 * history, so a wait outlives an orchestrator restart; the approval id is derived from the task and the call's
 * place in it, so a redelivered task parks the same call and finds it decided.
 */
export async function awaitApproval(scope: ParkingScope, call: ParkedCall): Promise<void> {
  const { task, actor, publisher, signal } = scope;
  const { taskId, intentId, stepId } = task.payload;
  const { approvalId, action, resource, args, verdict } = call;
  const parked = { approvalId, intentId, taskId, stepId, agent: scope.agentName, instanceId: scope.instanceId, action, resource, args, rule: verdict.rule, reason: verdict.reason };
  await publisher.publish(causedBy(task, 'CallParked', parked, actor, approvalId));
  const origin = { tenant: task.tenant, actor, correlationId: task.correlationId };
  for (;;) {
    const state = await publisher.request(createMessage('GetCallApproval', { intentId, approvalId }, origin), 2_000);
    if (state.status === 'approved') return;
    if (state.status === 'rejected') throw new PolicyDeniedError(`${action} ${resource.name} not approved: ${state.reason ?? 'rejected'}`);
    await sleep(POLL_MS, undefined, { signal });
  }
}
