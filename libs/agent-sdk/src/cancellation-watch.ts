import { createMessage, type Actor, type AnyMessage, type MessageOf, type PayloadOf } from '@agentos/contracts';
import { followFacts, type MessagePublisher, type NatsConnector } from '@agentos/messaging';
import { killSwitchApplies } from '@agentos/policy-engine';
import type { Subscription } from 'nats';

type Kill = Pick<MessageOf<'KillSwitchActivated'>['payload'], 'scope' | 'target' | 'reason'>;

const keyOf = (kill: Pick<Kill, 'scope' | 'target'>) => `${kill.scope}:${kill.target}`;
const describeKill = (kill: Kill) => `cancelled by kill switch (${kill.scope} ${kill.target}): ${kill.reason}`;
const describeCancel = (cancelled: PayloadOf<'RunCancellationStarted'>) => `cancelled: run cancelled by ${cancelled.cancelledBy}: ${cancelled.reason}`;

/** Cancelled runs remembered, so a task of one that arrives late is refused; the oldest are forgotten first. */
const CANCELLED_RUNS_KEPT = 1_000;

/**
 * What stops running tasks. Every instance of an agent hears every kill switch, every spent budget and
 * every cancelled run (plain NATS subscriptions, not a shared consumer) and aborts the running tasks they
 * cover; tasks that arrive while a kill switch is in force, or for a cancelled run, are refused. A cancelled
 * run's compensations are not its cancellation's to stop: they run after it.
 */
export class CancellationWatch {
  private readonly active = new Map<string, Kill>();
  /** Run id → why it was cancelled and the compensations that still run. */
  private readonly cancelled = new Map<string, PayloadOf<'RunCancellationStarted'>>();
  private readonly running = new Map<string, { task: MessageOf<'TaskAssigned'>; controller: AbortController }>();
  private readonly subscriptions: Subscription[] = [];

  constructor(private readonly agentName: string) {}

  /** `tenant`: the agent's own; it asks in it (its credentials allow no other) and hears every tenant's switches and budgets. */
  async start(connector: NatsConnector, publisher: MessagePublisher, actor: Actor, tenant: string): Promise<void> {
    const nc = await connector.connection$();
    const onFact = (message: AnyMessage) => this.onMessage(message);
    this.subscriptions.push(followFacts(nc, 'KillSwitchActivated', onFact), followFacts(nc, 'KillSwitchReleased', onFact), followFacts(nc, 'BudgetExhausted', onFact), followFacts(nc, 'RunCancellationStarted', onFact));
    try {
      // Switches thrown while this instance was down; without policy, start with none known.
      const { switches } = await publisher.request(createMessage('ListKillSwitches', {}, { tenant, actor }), 2_000);
      switches.forEach((kill) => this.active.set(keyOf(kill), kill));
    } catch {
      // Policy unreachable: its own check still fails closed; the orchestrator assigns nothing.
    }
  }

  stop(): void {
    this.subscriptions.forEach((s) => s.unsubscribe());
  }

  /** Why this task must not run: a kill switch covering it, or its run was cancelled. */
  stopping(task: MessageOf<'TaskAssigned'>): string | undefined {
    const kill = this.covering(task);
    if (kill) return describeKill(kill);
    const cancelled = this.cancelled.get(task.payload.intentId);
    return cancelled && this.cancels(cancelled, task) ? describeCancel(cancelled) : undefined;
  }

  private covering(task: MessageOf<'TaskAssigned'>): Kill | undefined {
    const request = { tenant: task.tenant, check: { intentId: task.payload.intentId, subject: { agent: this.agentName } } };
    return [...this.active.values()].find((kill) => killSwitchApplies(kill, request));
  }

  private cancels(cancelled: PayloadOf<'RunCancellationStarted'>, task: MessageOf<'TaskAssigned'>): boolean {
    return task.payload.intentId === cancelled.runId && !cancelled.compensations.includes(task.payload.stepId);
  }

  /** An AbortController that fires when a kill switch covering the task is thrown. */
  track(task: MessageOf<'TaskAssigned'>): AbortController {
    const controller = new AbortController();
    this.running.set(task.payload.taskId, { task, controller });
    return controller;
  }

  untrack(task: MessageOf<'TaskAssigned'>): void {
    this.running.delete(task.payload.taskId);
  }

  private onMessage(message: AnyMessage): void {
    if (message.type === 'KillSwitchReleased') this.active.delete(keyOf(message.payload));
    if (message.type === 'RunCancellationStarted') {
      const cancelled = message.payload;
      this.cancelled.set(cancelled.runId, cancelled);
      if (this.cancelled.size > CANCELLED_RUNS_KEPT) this.cancelled.delete(this.cancelled.keys().next().value!);
      this.abortWhere((task) => this.cancels(cancelled, task), describeCancel(cancelled));
    }
    if (message.type === 'BudgetExhausted') {
      const { scope, id, metric, used, limit } = message.payload;
      const covered = (task: MessageOf<'TaskAssigned'>) => (scope === 'workflow' ? task.payload.intentId === id : task.tenant === id);
      this.abortWhere(covered, `cancelled: budget spent: ${metric} ${used} of ${limit} for this ${scope}`);
    }
    if (message.type !== 'KillSwitchActivated') return;
    this.active.set(keyOf(message.payload), message.payload);
    const kill = message.payload;
    this.abortWhere((task) => this.covering(task) !== undefined, describeKill(kill));
  }

  private abortWhere(covered: (task: MessageOf<'TaskAssigned'>) => boolean, reason: string): void {
    for (const { task, controller } of this.running.values()) if (covered(task)) controller.abort(new Error(reason));
  }
}
