import { causedBy, createMessage, newId, type ActiveKillSwitch, type AgentDescriptor, type AnyMessage, type Envelope, type MessageOf, type PayloadOf, type ReplyOf, type WorkflowDefinition } from '@agentos/contracts';
import { fold, runDecision } from '@agentos/decider';
import { EVENT_STORE, type EventStore } from '@agentos/event-store';
import { JetStreamClientProxy, KeyedSerial, RefusedMessage, isNatsError, persistently, type NatsConnector } from '@agentos/messaging';
import { InputSchemaChecks, agentTarget, approvalState, awaitsVerdict, isSettled, orchestrationDecider, refusalOf, reportRefusal, runOf, selects, workflowStream, type ControlCommand, type RunInput, type RunState, type TaskReport } from '@agentos/orchestration';
import { Scheduler, strategyByName, type BreakerTransition, type Dispatch } from '@agentos/scheduler';
import { ServiceContext } from '@agentos/service-host';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AgentDirectory } from './agent-directory';
import { KillSwitchBoard } from './kill-switch-board';
import { OpenRuns } from './open-runs';
import { isPolicyCheck, pendingChecks, verdictOn, type PolicyCheck } from './policy-answer';
import type { OrchestratorSettings } from './orchestrator.settings';
import { fenceRun, refusedOnlyAsStored } from './run-fence';
import { mergeSchedulerStates } from './scheduler-views';
import { RunPartitions } from './run-partitions';
import { SlotClaims } from './slot-claims';
import { TimerWheel, type DueTimer } from './timer-wheel';

type Origin = DueTimer['origin'];
interface TaskRef {
  runId: string;
  stepId: string;
  origin: Origin;
  /** The TaskQueued event: an assignment is caused by it. */
  queued?: MessageOf<'TaskQueued'>;
}

/** Inside JetStream's de-duplication window (10 minutes), with a margin. */
const REPUBLISH_WITHIN_MS = 8 * 60_000;
/** Causes that start (or reopen) a run: it enters the open-run index before anything of it is recorded. */
const OPENING = new Set(['SubmitIntent', 'RunWorkflow', 'ScheduleFired', 'RunForked', 'RetryRun']);
/** The causes that start a run under a new id: a first decision on one that was never opened reads no history. */
const STARTING = new Set(['SubmitIntent', 'RunWorkflow', 'ScheduleFired', 'RunForked']);
/** How often a replica looks for open runs of its partitions it does not know (recorded by a replica that lost the partition meanwhile). */
const ADOPT_EVERY_MS = 30_000;
/** How long policy may take to answer a run's check put to it by request/reply before it is asked again. */
const POLICY_ANSWER_MS = 2_000;
/**
 * The longest wait before a check is asked again. While policy restarts, a question finds no responder at once and
 * costs nothing, and a run waits this long at most once policy is back (a check consumed from a stream waited for
 * nothing: policy's consumer took it as it came back).
 */
const POLICY_RETRY_MAX_MS = 1_000;
/** An empty run this young in the index may still be about to record its first event. */
const EMPTY_RUN_GRACE_MS = 60_000;
const SETTLING = new Set(['IntentCompleted', 'IntentFailed', 'IntentRejected', 'WorkflowCompleted', 'WorkflowFailed', 'WorkflowRejected', 'RunCancelled']);
const originOf = (event: Envelope): Origin => ({ tenant: event.tenant, correlationId: event.correlationId, ...(event.traceparent ? { traceparent: event.traceparent } : {}) });

/**
 * Runs every decision of the orchestrator (load, decide, append, publish, one run at a time) and
 * keeps the scheduler and the timers in step with what was decided. The event store is the truth:
 * when a partition of runs becomes this replica's, its open runs are re-read and their queued tasks, tasks in
 * flight and timers restored, so a killed orchestrator loses nothing and re-runs no finished step.
 *
 * Every replica works: each decides the runs of the partitions it owns (RunPartitions) and hands the others'
 * messages on to their owners. A replica that lost a partition and still decides on it is fenced by the run
 * stream's expected revision.
 */
@Injectable()
export class RunCoordinator implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly actor;
  private readonly scheduler: Scheduler;
  private readonly directory: AgentDirectory;
  private readonly kills: KillSwitchBoard;
  private readonly openRuns: OpenRuns;
  private readonly partitions: RunPartitions;
  private readonly slots: SlotClaims;
  private readonly timers = new TimerWheel((due) => this.fireTimer(due));
  /** Compiled once per agent version; an agent without an input schema costs nothing. */
  private readonly inputChecks = new InputSchemaChecks();
  private readonly tasks = new Map<string, TaskRef>();
  /** Open runs of this replica's partitions whose tasks and timers it keeps. */
  private readonly known = new Set<string>();
  private adopting?: NodeJS.Timeout;
  /** A run's decisions are made one at a time, each on the history the previous one left. */
  private readonly perRun = new KeyedSerial();
  private ready!: Promise<void>;
  /** Ends the wait for NATS of decisions still being published when the service stops. */
  private readonly stopping = new AbortController();
  private planning = false;
  private planAgain = false;
  private ticker?: NodeJS.Timeout;

  constructor(
    private readonly bus: JetStreamClientProxy,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly service: ServiceContext<OrchestratorSettings>,
  ) {
    this.actor = { kind: 'service' as const, id: service.name };
    const { settings } = service;
    this.scheduler = new Scheduler({
      strategy: strategyByName(settings.AGENTOS_SCHEDULER),
      breaker: { failureThreshold: settings.AGENTOS_BREAKER_FAILURES, cooldownMs: settings.AGENTOS_BREAKER_COOLDOWN_MS },
    });
    this.directory = new AgentDirectory(bus, this.actor, () => this.kick());
    this.kills = new KillSwitchBoard(bus, this.actor);
    this.openRuns = new OpenRuns(bus.unwrap<NatsConnector>());
    this.slots = new SlotClaims(bus.unwrap<NatsConnector>(), service.instance);
    this.partitions = new RunPartitions(bus, service, { restore: (partition) => this.restore(partition), forget: async (partition) => this.forget(partition) });
    // Handed on while the connection is still open, so the next owners need not wait out the leases.
    service.beforeDisconnect(() => this.partitions.stop());
  }

  /** A run message another replica handed on: handled here as if delivered here (RunHandlers). */
  handleHandedOn(handler: (message: AnyMessage) => Promise<void>): void {
    this.partitions.handleWith(handler);
  }

  /** Fails the start when this replica's partition count is not the deployment's, or the slots bucket is missing. */
  async onApplicationBootstrap(): Promise<void> {
    await this.slots.start();
    this.ready = this.startScheduling();
    this.ready.catch((error: Error) => this.service.log.error({ err: error }, 'starting the scheduler failed'));
    await this.partitions.start();
  }

  onModuleDestroy(): void {
    this.stopping.abort();
    clearInterval(this.ticker);
    clearInterval(this.adopting);
    this.timers.stop();
    this.directory.stop();
    this.kills.stop();
    this.slots.stop();
  }

  /**
   * Decides on a message for one run, here if this replica owns the run's partition, else by the owner (handed
   * on). A run's decisions never interleave. A message the decider refuses throws RefusedMessage before anything is
   * recorded, so the worker dead-letters it.
   */
  async decide(runId: string, cause: AnyMessage, input: RunInput | ((state: RunState) => Promise<RunInput>)): Promise<Envelope[]> {
    await this.ready;
    await this.partitions.loaded(runId);
    if (!this.partitions.owns(runId)) {
      await this.partitions.handOn(runId, cause);
      return [];
    }
    return this.decideHere(runId, cause, input);
  }

  /** Decides on a run of a partition this replica owns; fails (to be tried again) if it no longer does. */
  private async decideHere(runId: string, cause: AnyMessage, input: RunInput | ((state: RunState) => Promise<RunInput>)): Promise<Envelope[]> {
    const screened = async (state: RunState) => {
      // Another replica took the run over since this one read it (it does not know yet that it lost the partition).
      if (state.decidedBy && state.decidedBy !== this.service.instance) throw new Error(`run ${runId} is decided by replica ${state.decidedBy} now`);
      const resolved = typeof input === 'function' ? await input(state) : input;
      const refusal = refusalOf(resolved, state);
      if (refusal) throw new RefusedMessage(refusal);
      return resolved;
    };
    // A recorded decision is published however long NATS takes to come back: one caused by the scheduler or a
    // timer (a fresh message each try) is never redelivered, so a publish given up on would leave, e.g., a
    // TaskAssigned in the history that no agent ever receives, and the scheduler out of step with the history.
    const publish = (messages: readonly AnyMessage[]) =>
      persistently('publishing a recorded decision', () => this.bus.publishAll(messages), this.service.log, { fields: { runId }, signal: this.stopping.signal });
    const events = await this.perRun.run(runId, async () => {
      if (!this.partitions.owns(runId)) throw new Error(`run ${runId}: its partition ${this.partitions.of(runId)} was handed on meanwhile`);
      // In the index first: a replica taking the partition over meanwhile finds the run (see adopt).
      const neverOpened = OPENING.has(cause.type) && (await this.openRuns.add(runId));
      const fresh = neverOpened && STARTING.has(cause.type);
      const decideOn = (latest: boolean) => runDecision({ store: this.store, publish, stream: workflowStream(runId), decider: orchestrationDecider, cause, input: screened, actor: this.actor, fresh: fresh && !latest, latest });
      const events = await refusedOnlyAsStored(() => decideOn(false), () => decideOn(true));
      // Recorded before the partition moved on: its new owner read it when it took the run over, and keeps its state.
      if (this.partitions.owns(runId)) await this.absorb(runId, events);
      this.service.log.info({ runId, cause: cause.type, decided: events.map((e) => e.type), correlationId: cause.correlationId }, 'run decision');
      return events;
    });
    if (events.some(isPolicyCheck)) await this.answerPolicyChecks(runId, events);
    return events;
  }

  /**
   * The run's checks just recorded (or found recorded, on a redelivery) that still await a verdict are put to policy
   * by request/reply, and each verdict is decided on here at once, as if its PolicyDecided had been delivered: a hop
   * each way fewer than publishing the check for policy to consume. Recorded first: policy acts only on what the
   * history holds. A check policy does not answer now is asked again in the background; one left when the replica
   * died is asked by the replica that restores the run (adopt).
   */
  private async answerPolicyChecks(runId: string, decided: readonly Envelope[]): Promise<void> {
    const state = fold(orchestrationDecider, await this.history(runId));
    await Promise.all(pendingChecks(state, decided).map((check) => this.answerPolicyCheck(check)));
  }

  private async answerPolicyCheck(check: PolicyCheck): Promise<void> {
    try {
      await this.decideOnVerdict(check);
    } catch (error) {
      const fields = { runId: check.payload.intentId, requestId: check.payload.requestId };
      this.service.log.warn({ ...fields, err: error }, 'policy did not answer a recorded check; asked again');
      const again = { fields, signal: this.stopping.signal, maxDelayMs: POLICY_RETRY_MAX_MS };
      void persistently('asking policy for a recorded check', () => this.decideOnVerdict(check, { ifPending: true }), this.service.log, again).catch(() => undefined);
    }
  }

  /**
   * The query is the recorded check itself (its id, time and origin), so policy decides on it as it did on the event
   * (the verdict's cause is the check). `ifPending`: unless the run has its verdict by now, or is another replica's.
   */
  private async decideOnVerdict(check: PolicyCheck, { ifPending = false } = {}): Promise<void> {
    const runId = check.payload.intentId!;
    // A partition being restored is owned once its restore has ended, and its pending checks are asked meanwhile.
    await this.partitions.loaded(runId);
    if (ifPending && (!this.partitions.owns(runId) || !awaitsVerdict(fold(orchestrationDecider, await this.history(runId)), check.payload.requestId))) return;
    const verdict = verdictOn(check, (await this.bus.query({ ...check, type: 'DecidePolicyCheck' } as MessageOf<'DecidePolicyCheck'>, POLICY_ANSWER_MS)) as MessageOf<'PolicyDecided'>);
    await this.partitions.loaded(runId);
    // Handed on meanwhile: the new owner asked the run's pending checks itself when it took the run over.
    if (!this.partitions.owns(runId)) return;
    await this.decideHere(runId, verdict, async (state) => ({
      kind: 'policy-decided',
      message: verdict,
      ...(verdict.payload.effect === 'allow' && state.status === 'awaiting-policy' ? await this.startFacts(verdict, state) : { catalogue: [], killSwitches: [] }),
    }));
  }

  /**
   * Policy's verdict naming a run, delivered as a fact. One on a check the run recorded was decided on from policy's
   * answer, or is being asked again (answerPolicyCheck): deciding on it here too would publish that decision again.
   * Any other (an agent's check of a tool call in the run) joins the run's history and decides nothing, whatever
   * request it says it answers: only policy's answer to the orchestrator's own question moves a run on.
   */
  async policyFact(runId: string, verdict: MessageOf<'PolicyDecided'>): Promise<void> {
    await this.ready;
    await this.partitions.loaded(runId);
    const answersOwnCheck = (history: Envelope[]) => history.some((event) => event.id === verdict.causationId && event.type === 'PolicyCheckRequested');
    if (this.partitions.owns(runId) && answersOwnCheck(await this.history(runId))) return;
    await this.decide(runId, verdict, { kind: 'recorded', message: verdict });
  }

  /**
   * What starting a run needs to know: every catalogued agent, and the kill switches in force. With an agent stopped
   * by a switch the catalogue is asked fresh: the agent's replacement may have registered since the cache was filled.
   */
  async startFacts(cause: AnyMessage, state: RunState): Promise<{ catalogue: AgentDescriptor[]; killSwitches: ActiveKillSwitch[] }> {
    const killSwitches = await this.killSwitches(cause);
    const catalogue = await this.catalogue(cause, killSwitches.some((kill) => kill.scope === 'agent') ? undefined : state.definition);
    return { catalogue, killSwitches };
  }

  /** A run's history: as remembered for a run this replica decides, as the store holds it now for another's (or when `latest`). */
  private async history(runId: string, latest = !this.partitions.owns(runId)): Promise<Envelope[]> {
    return (await this.store.readStream(workflowStream(runId), latest ? { latest: true } : {})).map((r) => r.event);
  }

  /** Progress decides nothing, but a report from anyone but the task's instance is refused all the same. */
  async screenReport(report: TaskReport): Promise<void> {
    const runId = report.payload.intentId;
    const check = async (latest?: true) => {
      const refusal = reportRefusal(report, fold(orchestrationDecider, await this.history(runId, latest)));
      if (refusal) throw new RefusedMessage(refusal);
    };
    await refusedOnlyAsStored(() => check(), () => check(true));
  }

  /**
   * The runs a control command is about, each with the command for it alone. A pause or resume of a workflow name
   * or a tenant covers the open runs it applies to, in the sender's tenant (the platform's: every tenant); each run
   * gets its own command, derived from the one sent (so a redelivery derives the same ids), in the sender's name.
   */
  async selected(command: ControlCommand): Promise<{ runId: string; command: ControlCommand }[]> {
    const runId = runOf(command);
    if (runId) return [{ runId, command }];
    if (command.type !== 'PauseRuns' && command.type !== 'ResumeRuns') return [];
    await this.ready;
    const chosen: { runId: string; command: ControlCommand }[] = [];
    for (const id of await this.openRuns.list()) {
      const state = fold(orchestrationDecider, await this.history(id));
      if (!selects(command, state)) continue;
      const payload = { ...command.payload, select: { kind: 'run' as const, runId: id } };
      chosen.push({ runId: id, command: causedBy(command, command.type, payload, command.actor, id) as ControlCommand });
    }
    return chosen;
  }

  /** A parked call's state, read from its run's history (so it outlives an orchestrator restart). */
  async callApproval(query: MessageOf<'GetCallApproval'>): Promise<ReplyOf<'GetCallApproval'>> {
    const { intentId, approvalId } = query.payload;
    const history = await this.history(intentId);
    return approvalState(fold(orchestrationDecider, history), query, approvalId);
  }

  /** The agent that ran a task reported back: free its slot and feed its circuit breaker. */
  taskReported(report: PayloadOf<'TaskCompleted'> | PayloadOf<'TaskFailed'>, outcome: 'succeeded' | 'failed'): void {
    // A report from an instance the task was taken from (it was declared down) is not its slot's.
    if (!this.scheduler.inFlightOn(report.instanceId).includes(report.taskId)) return;
    this.publishTransitions(this.scheduler.finished(report.taskId, outcome, Date.now()), report.agent);
    this.releaseSlot(report.instanceId, report.taskId);
    this.kick();
  }

  /**
   * An agent instance went down (every replica hears it): it gets no more work, and the runs of this replica's
   * partitions whose tasks were in flight on it decide so. A run whose partition moves meanwhile is left to its new
   * owner, which restored the task in flight and expires it at its deadline.
   */
  async instanceDown(message: MessageOf<'AgentInstanceDropped'>): Promise<void> {
    await this.ready;
    const { instanceId } = message.payload;
    this.directory.forget(instanceId);
    await this.slots.forgetInstance(instanceId);
    const runs = new Set(this.scheduler.inFlightOn(instanceId).map((taskId) => this.tasks.get(taskId)?.runId).filter((id): id is string => id !== undefined));
    for (const runId of runs) if (this.partitions.owns(runId)) await this.decideHere(runId, message, { kind: 'instance-down', message });
  }

  /** Every catalogued agent; `wanted`: the run's definition, when a catalogue offering all its targets will do. */
  catalogue(cause: AnyMessage, wanted?: WorkflowDefinition): Promise<AgentDescriptor[]> {
    return this.directory.catalogue({ tenant: cause.tenant, correlationId: cause.correlationId }, wanted);
  }

  /** The version of the policy bundle in force, or undefined when policy does not answer (a pinned reset is then refused). */
  async bundleInForce(cause: AnyMessage): Promise<string | undefined> {
    try {
      return (await this.bus.query(createMessage('GetPolicyBundle', {}, { tenant: cause.tenant, actor: this.actor, correlationId: cause.correlationId }), 2_000)).version;
    } catch {
      return undefined;
    }
  }

  /**
   * Asked fresh from policy at a run's start: the board may be a moment behind an operator's switch (on a cluster, a
   * verdict from another policy replica may travel a faster route than the switch's fact). While policy restarts, the
   * switches the board knows (fail closed until it has policy's list).
   */
  private async killSwitches(cause: AnyMessage): Promise<ActiveKillSwitch[]> {
    try {
      return (await this.bus.query(createMessage('ListKillSwitches', {}, { tenant: cause.tenant, actor: this.actor, correlationId: cause.correlationId }), 1_000)).switches;
    } catch (error) {
      if (!(await this.kills.sync())) throw error;
      return this.kills.switches;
    }
  }

  /**
   * The scheduler of the whole orchestrator: every replica's (each schedules its own partitions' runs), asked of each
   * and added up; this replica's alone if none answers in time.
   */
  async schedulerState(cause: AnyMessage): Promise<ReplyOf<'GetSchedulerState'>> {
    const ask = createMessage('GetReplicaSchedulerState', {}, { tenant: cause.tenant, actor: this.actor, correlationId: cause.correlationId });
    const states = await this.bus.queryAll(ask, { expected: this.partitions.replicas }).catch(() => []);
    const answered = states.length > 0 ? states : [this.snapshot()];
    return { ...mergeSchedulerStates(answered), replicas: answered.length };
  }

  /** This replica's own scheduler: the tasks of its partitions' runs. */
  snapshot(): ReplyOf<'GetSchedulerState'> {
    const now = Date.now();
    const live = this.plannable();
    const waiting = this.scheduler.waiting(live, now).map(({ task, reason }) => ({ taskId: task.taskId, workflowId: task.workflowId, stepId: this.tasks.get(task.taskId)?.stepId ?? '', reason }));
    return { ...this.scheduler.snapshot(live, now), waiting };
  }

  /** Plans assignments now (coalesced: one planning round at a time, another if asked meanwhile). */
  kick(): void {
    if (this.planning) {
      this.planAgain = true;
      return;
    }
    this.planning = true;
    void this.planRounds().finally(() => (this.planning = false));
  }

  private async planRounds(): Promise<void> {
    do {
      this.planAgain = false;
      // Without knowing the kill switches in force, nothing is assigned (fail closed).
      if (!(await this.kills.sync())) return;
      const switches = this.kills.switches;
      const stopped = new Set(switches.filter((k) => k.scope === 'agent').map((k) => k.target));
      const dispatches = this.scheduler.plan(this.plannable(), Date.now(), { excluded: (_, instance) => stopped.has(instance.name) });
      this.publishTransitions(this.scheduler.breakerTransitions(Date.now()));
      await Promise.all(dispatches.map((d) => this.assign(d, switches)));
    } while (this.planAgain);
  }

  /** The live agent instances, each with the slots other replicas hold on it taken off. */
  private plannable(): AgentDescriptor[] {
    return this.slots.capacityFor(this.directory.live, (instanceId) => this.scheduler.inFlightOn(instanceId));
  }

  /** Not awaited on the way (a report or an expiry): a slot not given back is found stale when its partition is restored. */
  private releaseSlot(instanceId: string, taskId: string): void {
    this.slots.release(instanceId, taskId).catch((error: Error) => this.service.log.warn({ err: error, instanceId, taskId }, 'agent slot not given back'));
  }

  private async assign(dispatch: Dispatch, killSwitches: ActiveKillSwitch[]): Promise<void> {
    const { taskId } = dispatch.task;
    const ref = this.tasks.get(taskId);
    const giveBack = () => {
      this.scheduler.requeue(taskId);
      this.scheduler.remove(taskId);
    };
    if (!ref) return giveBack();
    // As registered: the scheduler planned on it with the slots other replicas hold taken off.
    const instance = this.directory.live.find((i) => i.instanceId === dispatch.instance.instanceId) ?? dispatch.instance;
    const { instanceId } = instance;
    // Another replica took the instance's last slot first: the task waits for the next round (the view now knows).
    if (!(await this.slots.claim(instance, taskId, ref.runId).catch(() => false))) return this.scheduler.requeue(taskId);
    const payload = { taskId, intentId: ref.runId, stepId: ref.stepId, instanceId };
    // Caused by the queuing, so lineage runs TaskQueued → AssignTask → TaskAssigned; a fresh id each try.
    const message = ref.queued ? causedBy(ref.queued, 'AssignTask', payload, this.actor, newId()) : createMessage('AssignTask', payload, { ...ref.origin, actor: this.actor });
    try {
      // The step's input against the schema the chosen agent version registered: decided on, and recorded, as a fact.
      const input = async (state: RunState): Promise<RunInput> => {
        const inputProblems = this.inputChecks.problems(instance, state.steps[ref.stepId]?.input ?? {});
        return { kind: 'assign', message, instance, killSwitches, ...(inputProblems.length > 0 ? { inputProblems } : {}) };
      };
      const events = await this.decideHere(ref.runId, message, input);
      if (events.some((e) => e.type === 'TaskAssigned')) return;
      giveBack(); // the step moved on meanwhile
      this.releaseSlot(instanceId, taskId);
    } catch (error) {
      this.service.log.warn({ err: error, taskId }, 'assignment failed; the task waits for the next round');
      this.scheduler.requeue(taskId);
      this.releaseSlot(instanceId, taskId);
    }
  }

  /** Keeps the scheduler, the timers and the open-run index in step with what was decided. */
  private async absorb(runId: string, events: readonly Envelope[]): Promise<void> {
    this.known.add(runId);
    for (const event of events) {
      if (event.type === 'TaskQueued') this.queued(event as MessageOf<'TaskQueued'>);
      if (event.type === 'TaskExpired') {
        const { taskId, instanceId } = (event as MessageOf<'TaskExpired'>).payload;
        if (instanceId && this.scheduler.inFlightOn(instanceId).includes(taskId)) {
          this.publishTransitions(this.scheduler.finished(taskId, 'failed', Date.now()));
          this.releaseSlot(instanceId, taskId);
        } else this.scheduler.remove(taskId);
      }
      if (event.type === 'SignalWaitStarted') {
        const { stepId, attempt, waitId, deadline } = (event as MessageOf<'SignalWaitStarted'>).payload;
        this.timers.set({ dueAt: Date.parse(deadline), timer: { intentId: runId, kind: 'deadline', stepId, attempt, taskId: waitId }, origin: originOf(event) });
      }
      if (event.type === 'StepRetryScheduled') {
        const { stepId, attempt, dueAt } = (event as MessageOf<'StepRetryScheduled'>).payload;
        this.timers.set({ dueAt: Date.parse(dueAt), timer: { intentId: runId, kind: 'retry', stepId, attempt }, origin: originOf(event) });
      }
      if (SETTLING.has(event.type)) {
        for (const [taskId, ref] of this.tasks) if (ref.runId === runId) this.tasks.delete(taskId);
        this.scheduler.removeWorkflow(runId);
        this.timers.cancelRuns((id) => id === runId);
        this.known.delete(runId);
        await this.openRuns.remove(runId);
      }
    }
    if (events.length > 0) this.kick();
  }

  private queued(event: MessageOf<'TaskQueued'>): void {
    const { taskId, intentId, stepId, attempt, target, priority, deadline } = event.payload;
    this.tasks.set(taskId, { runId: intentId, stepId, origin: originOf(event), queued: event });
    const task = { taskId, workflowId: intentId, tenant: event.tenant, priority, target, queuedAt: Date.parse(event.occurredAt) };
    // The same task queued again: its instance went down, so it goes back in line.
    if (!this.scheduler.enqueue(task)) this.scheduler.requeue(taskId);
    this.timers.set({ dueAt: Date.parse(deadline), timer: { intentId, kind: 'deadline', stepId, attempt, taskId }, origin: originOf(event) });
  }

  private async fireTimer(due: DueTimer): Promise<void> {
    await this.partitions.loaded(due.timer.intentId); // a timer restored with its partition fires once it is owned
    if (!this.partitions.owns(due.timer.intentId)) return; // handed on: its new owner restored the timer
    const message = createMessage('FireTimer', due.timer, { ...due.origin, actor: this.actor });
    await this.decideHere(due.timer.intentId, message, { kind: 'timer', message });
  }

  private publishTransitions(transitions: BreakerTransition[], agent?: string): void {
    for (const t of transitions) {
      const name = agent ?? this.directory.live.find((i) => i.instanceId === t.instanceId)?.name;
      if (!name) continue;
      const message = createMessage('CircuitStateChanged', { agent: name, instanceId: t.instanceId, from: t.from, to: t.to, consecutiveFailures: t.consecutiveFailures }, { tenant: 'system', actor: this.actor });
      this.service.log.warn({ instanceId: t.instanceId, from: t.from, to: t.to }, 'circuit breaker changed state');
      this.bus.publishMessage(message).catch(() => undefined);
    }
  }

  /**
   * A decision the scheduler or a timer made (not a message JetStream would redeliver) may have been
   * recorded by an orchestrator that died before publishing it, e.g. a TaskAssigned no agent ever got.
   * Publishing the run's last decision again is harmless while JetStream still remembers its id (it is
   * dropped as a duplicate); after that window an assignment is left to its deadline instead.
   */
  private async republishLastDecision(history: readonly Envelope[]): Promise<void> {
    const lastInput = history.map((e) => e.type).lastIndexOf('DecisionInputRecorded');
    if (lastInput < 0) return;
    const decided = history.slice(lastInput + 1).filter((e) => e.actor.id === this.actor.id && e.causationId === history[lastInput].causationId);
    if (decided.length === 0 || Date.now() - Date.parse(decided[0].occurredAt) > REPUBLISH_WITHIN_MS) return;
    await this.bus.publishAll(decided as AnyMessage[]);
  }

  private async startScheduling(): Promise<void> {
    await Promise.all([this.directory.start(), this.kills.start()]);
    this.timers.start();
    this.ticker = setInterval(() => this.kick(), 1_000); // breakers half-open with time
    this.ticker.unref();
    this.adopting = setInterval(() => void this.adoptStrays(), ADOPT_EVERY_MS);
    this.adopting.unref();
  }

  /**
   * Open runs of this replica's partitions that it does not know: recorded by a replica that had not yet noticed it
   * lost the partition (frozen, cut off) after this one took it over. Each is fenced and restored. Slots held for
   * these partitions' runs by tasks not in flight here are given back (a release that failed, a claimer that died).
   */
  private async adoptStrays(): Promise<void> {
    try {
      const strays = (await this.openRuns.list()).filter((runId) => this.partitions.owns(runId) && !this.known.has(runId));
      for (const partition of new Set(strays.map((runId) => this.partitions.of(runId)))) await this.adopt(partition, strays.filter((runId) => this.partitions.of(runId) === partition));
      await this.slots.releaseStale((instanceId, taskId, runId) => this.partitions.owns(runId) && !this.scheduler.inFlightOn(instanceId).includes(taskId));
    } catch (error) {
      this.service.log.warn({ err: error }, 'open runs not checked for strays; tried again later');
    }
  }

  /** The partition is this replica's now: re-reads its open runs and restores their queued and running tasks and timers. */
  private async restore(partition: number): Promise<void> {
    // Reading the open runs may time out while NATS fails over (a KV listing, a stream read): asked again until it
    // succeeds or the service stops. A partition that gave up would stay with a replica that decides nothing of it.
    // A failure of NATS is worth asking again, unlike a bug in reading a run.
    const runIds = await persistently('listing the open runs', () => this.openRuns.list(), this.service.log, { signal: this.stopping.signal, retryIf: isNatsError });
    await this.adopt(partition, runIds.filter((id) => this.partitions.of(id) === partition));
  }

  /** Fences the partition's runs and restores their queued and running tasks and timers. */
  private async adopt(partition: number, runIds: string[]): Promise<void> {
    const open = await persistently('reading the open runs', () => this.readOpenRuns(partition, runIds), this.service.log, { signal: this.stopping.signal, retryIf: isNatsError });
    let restored = 0;
    const inFlight = new Set<string>();
    for (const { runId, state, origin, checks } of open) {
      this.known.add(runId);
      // Not awaited: a partition is restored whether or not policy answers now.
      for (const check of checks) void this.answerPolicyCheck(check);
      for (const [stepId, step] of Object.entries(state.steps)) {
        if ((step.status === 'queued' || step.status === 'assigned') && step.taskId) {
          this.tasks.set(step.taskId, { runId, stepId, origin });
          const task = { taskId: step.taskId, workflowId: runId, tenant: origin.tenant, priority: state.priority, target: agentTarget(state, stepId), queuedAt: Date.now() };
          if (step.status === 'queued') this.scheduler.enqueue(task);
          else {
            this.scheduler.restoreInFlight(task, step.instanceId!);
            await this.slots.hold(step.instanceId!, step.taskId, runId);
            inFlight.add(step.taskId);
          }
          this.timers.set({ dueAt: Date.parse(step.deadline!), timer: { intentId: runId, kind: 'deadline', stepId, attempt: step.attempt, taskId: step.taskId }, origin });
          restored += 1;
        }
        if (step.status === 'signal-wait') this.timers.set({ dueAt: Date.parse(step.deadline!), timer: { intentId: runId, kind: 'deadline', stepId, attempt: step.attempt, taskId: step.taskId }, origin });
        if (step.status === 'retry-wait') this.timers.set({ dueAt: Date.parse(step.retryDueAt!), timer: { intentId: runId, kind: 'retry', stepId, attempt: step.attempt + 1 }, origin });
      }
    }
    // Slots claimed for this partition's runs by a replica that died before it recorded the assignment: now that the
    // runs are fenced, nobody will record it.
    const adopted = new Set(runIds);
    const stale = await this.slots.releaseStale((_, taskId, runId) => adopted.has(runId) && !inFlight.has(taskId));
    this.service.log.info({ event: 'orchestrator.partition-restored', partition, runs: open.length, tasks: restored, staleSlots: stale }, 'open runs of the partition restored');
    this.kick();
  }

  /** The partition is another replica's now: its runs' tasks and timers leave this one (its scheduler frees their slots). */
  private forget(partition: number): void {
    const ofPartition = (runId: string) => this.partitions.of(runId) === partition;
    const runs = new Set<string>();
    for (const [taskId, ref] of this.tasks) {
      if (!ofPartition(ref.runId)) continue;
      runs.add(ref.runId);
      this.tasks.delete(taskId);
    }
    for (const runId of runs) this.scheduler.handOver(runId);
    this.timers.cancelRuns(ofPartition);
    for (const runId of this.known) if (ofPartition(runId)) this.known.delete(runId);
    this.service.log.info({ event: 'orchestrator.partition-forgotten', partition, runs: runs.size }, 'runs of the partition handed on');
  }

  /**
   * The state of every open run of the partition, read whole before anything is restored from it (so a read that
   * fails and is asked again restores nothing twice); settled or empty runs leave the index, and each run's last
   * decision is published again. `checks`: its policy checks still without a verdict.
   */
  private async readOpenRuns(partition: number, runIds: string[]): Promise<{ runId: string; state: RunState; origin: Origin; checks: PolicyCheck[] }[]> {
    const open: { runId: string; state: RunState; origin: Origin; checks: PolicyCheck[] }[] = [];
    for (const runId of runIds) {
      const history = await fenceRun(this.store, { runId, partition, owner: this.service.instance, actor: this.actor });
      const state = fold(orchestrationDecider, history);
      if (history.length === 0 && Date.now() - ((await this.openRuns.since(runId))?.getTime() ?? 0) < EMPTY_RUN_GRACE_MS) continue; // its first event may be on its way
      if (history.length === 0 || isSettled(state)) {
        await this.openRuns.remove(runId);
        continue;
      }
      await this.republishLastDecision(history);
      open.push({ runId, state, origin: originOf(history[0]), checks: pendingChecks(state, history) });
    }
    return open;
  }
}
