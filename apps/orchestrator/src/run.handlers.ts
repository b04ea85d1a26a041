import type { AnyMessage, MessageOf, ReplyOf } from '@agentos/contracts';
import type { ControlCommand, RunState } from '@agentos/orchestration';
import { RefusedMessage, type HandlerExtras } from '@agentos/messaging';
import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { RunCoordinator } from './run-coordinator';
import { ScheduleTicker, type ScheduleCommand } from './schedule-ticker';

/** Thin I/O around the orchestration decider: look up what a decision needs, then hand it on. */
@Controller()
export class RunHandlers {
  /** The run messages a replica may be handed by another (the one that received it does not own the run's partition). */
  private readonly handedOn: Record<string, ((message: never) => Promise<void>) | undefined> = {
    SubmitIntent: (m) => this.submit(m),
    RunWorkflow: (m) => this.run(m),
    PolicyDecided: (m) => this.policyDecided(m),
    ApproveIntent: (m) => this.approve(m),
    RejectIntent: (m) => this.reject(m),
    CancelRun: (m) => this.control(m),
    PauseRuns: (m) => this.control(m),
    ResumeRuns: (m) => this.control(m),
    RetryRun: (m) => this.control(m),
    SignalRun: (m) => this.control(m),
    ResetRun: (m) => this.control(m),
    BudgetExhausted: (m) => this.budgetExhausted(m),
    UsageRecorded: (m) => this.usageRecorded(m),
    ContentFlagged: (m) => this.contentFlagged(m),
    TaskCompleted: (m) => this.taskCompleted(m),
    TaskFailed: (m) => this.taskFailed(m),
    ScheduleFired: (m) => this.scheduled(m),
    RunForked: (m) => this.forked(m),
    CallParked: (m) => this.callParked(m),
  };

  constructor(
    private readonly runs: RunCoordinator,
    private readonly schedules: ScheduleTicker,
  ) {
    // Handled here as if this replica's consumer had delivered it.
    runs.handleHandedOn(async (message: AnyMessage) => {
      const handler = this.handedOn[message.type];
      if (!handler) throw new RefusedMessage(`${message.type} is not a run's message: it is not handed on`);
      await handler(message as never);
    });
  }

  @EventPattern('SubmitIntent')
  async submit(@Payload() message: MessageOf<'SubmitIntent'>) {
    await this.runs.decide(message.payload.intentId, message, { kind: 'submit', message });
  }

  @EventPattern('RunWorkflow')
  async run(@Payload() message: MessageOf<'RunWorkflow'>) {
    await this.runs.decide(message.payload.workflowId, message, async () => ({ kind: 'run', message, catalogue: await this.runs.catalogue(message, message.payload.definition) }));
  }

  /** Policy's verdict naming a run, as a fact (RunCoordinator.policyFact: the run's own checks are decided on from policy's answer). */
  @EventPattern('PolicyDecided')
  async policyDecided(@Payload() message: MessageOf<'PolicyDecided'>) {
    if (message.payload.intentId) await this.runs.policyFact(message.payload.intentId, message);
  }

  @EventPattern('ApproveIntent')
  async approve(@Payload() message: MessageOf<'ApproveIntent'>) {
    await this.runs.decide(message.payload.intentId, message, async (state: RunState) => ({
      kind: 'approve',
      message,
      ...(state.status === 'awaiting-approval' ? await this.runs.startFacts(message, state) : { catalogue: [], killSwitches: [] }),
    }));
  }

  @EventPattern('RejectIntent')
  async reject(@Payload() message: MessageOf<'RejectIntent'>) {
    await this.runs.decide(message.payload.intentId, message, { kind: 'reject', message });
  }

  /** A command on one run (or on each open run it selects: a pause or resume of a workflow name or a tenant). */
  @EventPattern(['CancelRun', 'PauseRuns', 'ResumeRuns', 'RetryRun', 'SignalRun', 'ResetRun'])
  async control(@Payload() command: ControlCommand) {
    // A reset that pins an agent version is decided on the catalogue (recorded with it), to check that version exists;
    // one that pins a policy bundle, on the bundle in force.
    const reset = command.type === 'ResetRun' ? command.payload : undefined;
    const catalogue = reset?.agent ? { catalogue: await this.runs.catalogue(command) } : {};
    const bundle = reset?.policyBundle ? { bundleInForce: await this.runs.bundleInForce(command) } : {};
    for (const each of await this.runs.selected(command)) await this.runs.decide(each.runId, each.command, { kind: 'control', message: each.command, ...catalogue, ...bundle });
  }

  @EventPattern('BudgetExhausted')
  async budgetExhausted(@Payload() message: MessageOf<'BudgetExhausted'>) {
    if (message.payload.scope !== 'workflow') return; // a spent tenant budget is enforced at each policy check
    await this.runs.decide(message.payload.id, message, { kind: 'budget-exhausted', message });
  }

  /** Spending is part of the run's history (a replay shows the budget at any point); policy keeps the count. */
  @EventPattern('UsageRecorded')
  async usageRecorded(@Payload() message: MessageOf<'UsageRecorded'>) {
    await this.runs.decide(message.payload.intentId, message, { kind: 'recorded', message });
  }

  /** Screening that flagged a run's content: the incident history shows why its input was held back. */
  @EventPattern('ContentFlagged')
  async contentFlagged(@Payload() message: MessageOf<'ContentFlagged'>) {
    if (message.payload.intentId) await this.runs.decide(message.payload.intentId, message, { kind: 'recorded', message });
  }

  @EventPattern('TaskCompleted')
  async taskCompleted(@Payload() message: MessageOf<'TaskCompleted'>) {
    await this.runs.decide(message.payload.intentId, message, { kind: 'task-completed', message });
    this.runs.taskReported(message.payload, 'succeeded');
  }

  @EventPattern('TaskFailed')
  async taskFailed(@Payload() message: MessageOf<'TaskFailed'>) {
    await this.runs.decide(message.payload.intentId, message, { kind: 'task-failed', message });
    // Only failures another attempt might fix count against the instance's circuit breaker.
    this.runs.taskReported(message.payload, message.payload.retryable ? 'failed' : 'succeeded');
  }

  @EventPattern(['CreateSchedule', 'PauseSchedule', 'ResumeSchedule', 'DeleteSchedule'])
  async schedule(@Payload() command: ScheduleCommand) {
    await this.schedules.command(command);
  }

  /** A schedule's tick, recorded in its history, starts its run (once: the run's id is the tick's). */
  @EventPattern('ScheduleFired')
  async scheduled(@Payload() message: MessageOf<'ScheduleFired'>) {
    await this.runs.decide(message.payload.workflowId, message, { kind: 'scheduled', message });
  }

  @MessagePattern('ListSchedules')
  listSchedules(@Payload() query: MessageOf<'ListSchedules'>): Promise<ReplyOf<'ListSchedules'>> {
    return this.schedules.list(query);
  }

  /** A reset recorded in its parent starts the new run. */
  @EventPattern('RunForked')
  async forked(@Payload() message: MessageOf<'RunForked'>) {
    await this.runs.decide(message.payload.newRunId, message, { kind: 'forked', message });
  }

  /** An agent parked a call its policy rule says needs approval; it asks (GetCallApproval) until it is decided. */
  @EventPattern('CallParked')
  async callParked(@Payload() message: MessageOf<'CallParked'>) {
    await this.runs.decide(message.payload.intentId, message, { kind: 'call-parked', message });
  }

  @MessagePattern('GetCallApproval')
  callApproval(@Payload() query: MessageOf<'GetCallApproval'>): Promise<ReplyOf<'GetCallApproval'>> {
    return this.runs.callApproval(query);
  }

  @EventPattern('TaskProgressed')
  async taskProgressed(@Payload() message: MessageOf<'TaskProgressed'>) {
    await this.runs.screenReport(message);
  }

  /** Tasks in flight on an instance that stopped heartbeating go back to the queue: every replica requeues its runs' tasks. */
  @EventPattern('AgentInstanceDropped', { everyInstance: true, fromNow: true } satisfies HandlerExtras)
  async instanceDown(@Payload() message: MessageOf<'AgentInstanceDropped'>) {
    await this.runs.instanceDown(message);
  }

  /** The whole orchestrator's scheduler, added up from every replica's. */
  @MessagePattern('GetSchedulerState')
  schedulerState(@Payload() query: MessageOf<'GetSchedulerState'>): Promise<ReplyOf<'GetSchedulerState'>> {
    return this.runs.schedulerState(query);
  }

  @MessagePattern('GetReplicaSchedulerState', { everyInstance: true } satisfies HandlerExtras)
  replicaSchedulerState(): ReplyOf<'GetReplicaSchedulerState'> {
    return this.runs.snapshot();
  }
}
