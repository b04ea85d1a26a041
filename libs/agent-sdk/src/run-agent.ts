import { SYSTEM_TENANT, causedBy, createMessage, deriveId, describeZodError, type Actor, type AnyMessage, type MessageOf, type RecordedCall } from '@agentos/contracts';
import { DEFAULT_RETRY, MessagePublisher, MessageWorker, NatsConnector, classifyFailure, persistently, requireContractStreams, startTracing, natsSettingsFromEnv, silentLog, type Log, type NatsSettings, type RetryPolicy } from '@agentos/messaging';
import { randomBytes } from 'node:crypto';
import { Redactor, secretStoreFromEnv, type SecretStore } from '@agentos/secrets';
import { hostname } from 'node:os';
import { z } from 'zod';
import { parseSettings } from '@agentos/config';
import { agentSettings } from './agent-settings';
import { CallRecorder } from './call-record';
import { CancellationWatch } from './cancellation-watch';
import { ContextLabels } from './context-labels';
import { ContentQuarantinedError, PolicyDeniedError, type AgentDefinition } from './define-agent';
import { InfrastructureError } from './infrastructure';
import { languageModelFromEnv, type LanguageModel } from './llm';
import { redacting, redactingLog, redactingPublisher } from './redaction';
import { patientPublisher } from './patient-publisher';
import { screenTaskInput } from './screening';
import { STEP_LEDGER_BUCKET, StepLedger, type StepOutcome } from './step-ledger';
import { taskContext } from './task-context';

export interface RunAgentOptions {
  nats?: NatsSettings;
  /** Distinguishes instances of one agent; AGENTOS_INSTANCE_ID (set by the supervisor), else host, pid and a random suffix. */
  instanceId?: string;
  /**
   * The tenant the agent's credentials belong to (AGENTOS_TENANT): it registers there and takes only that tenant's
   * tasks. `system` (the default) is a platform agent, trusted with every tenant's tasks.
   */
  tenant?: string;
  retry?: Partial<RetryPolicy>;
  log?: Log;
  /** The model behind ctx.llm; AGENTOS_LLM and friends by default. */
  model?: LanguageModel;
  /** How often the instance tells the registry it is alive (AGENTOS_HEARTBEAT_MS, default 2 s). */
  heartbeatMs?: number;
  /** A step's holder silent this long is taken for dead and its step run elsewhere (AGENTOS_STEP_LEASE_MS, default 10 s). */
  stepLeaseMs?: number;
  /** Where ctx.secrets reads from; AGENTOS_SECRETS_FILE (encrypted) or AGENTOS_SECRET_* variables by default. */
  secrets?: SecretStore;
}

export interface RunningAgent {
  instanceId: string;
  /** Finishes the tasks in hand, then leaves the registry (so nothing is re-queued needlessly). */
  stop(): Promise<void>;
}

/** Failures another attempt cannot fix: the orchestrator does not retry them. */
const FINAL_ERRORS = [ContentQuarantinedError, PolicyDeniedError];

/**
 * The declared input and output as JSON Schema; a schema zod cannot express (e.g. a transform) is left out. The input
 * is described as the agent accepts it (`io: 'input'`: a field with a default may be left out, unknown keys are
 * dropped, not refused), since the orchestrator checks step inputs against it before they are assigned.
 */
function schemasOf(agent: AgentDefinition<unknown, unknown>): { inputSchema?: Record<string, unknown>; outputSchema?: Record<string, unknown> } {
  const json = (schema: z.ZodType | undefined, io: 'input' | 'output') => {
    try {
      return schema ? (z.toJSONSchema(schema, { io }) as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const [inputSchema, outputSchema] = [json(agent.input, 'input'), json(agent.output, 'output')];
  return { ...(inputSchema ? { inputSchema } : {}), ...(outputSchema ? { outputSchema } : {}) };
}

const defaultInstanceId = () => `${hostname().replace(/[^A-Za-z0-9_-]/g, '_')}-${process.pid}-${randomBytes(3).toString('hex')}`;

/**
 * Registers the agent, heartbeats, and works the tasks the scheduler sends to this instance (each
 * instance has its own subject and consumer, so the orchestrator decides who runs what). Every
 * task ends in TaskCompleted or TaskFailed; retries are the workflow's business, not the agent's.
 * Except when NATS or a service the task needs is away: that is no outcome, and the task is nak'd
 * (redelivered with backoff, for about two minutes) rather than failed.
 */
export async function runAgent<Input, Output>(agent: AgentDefinition<Input, Output>, options: RunAgentOptions = {}): Promise<RunningAgent> {
  const settings = parseSettings(agentSettings, process.env);
  startTracing();
  const instanceId = options.instanceId ?? process.env.AGENTOS_INSTANCE_ID ?? defaultInstanceId();
  const redactor = new Redactor();
  const log = redactingLog(options.log ?? silentLog, redactor);
  const connector = new NatsConnector(options.nats ?? natsSettingsFromEnv(`agent-${agent.name}`), log);
  const secrets = options.secrets ?? secretStoreFromEnv();
  const transport = new MessagePublisher(connector);
  const publisher = redactingPublisher(transport, redactor);
  const redact = redacting(redactor);
  const model = options.model ?? languageModelFromEnv();
  const concurrency = agent.concurrency ?? 1;
  const actor: Actor = { kind: 'agent', id: `${agent.name}@${agent.version}` };
  const tenant = options.tenant ?? process.env.AGENTOS_TENANT ?? SYSTEM_TENANT;
  const identity = { name: agent.name, version: agent.version, instanceId };
  await requireContractStreams(await connector.manager$(), { replicas: connector.settings.replicas }, log);

  /** Published until NATS takes it: an outcome is never dropped because NATS is restarting. */
  const report = (outcome: AnyMessage) => persistently('task outcome', () => publisher.publish(outcome), log, { fields: { id: outcome.id } });
  /** An outcome as this instance's answer to `task`: also when an earlier delivery or attempt produced it. */
  const outcomeOf = (task: MessageOf<'TaskAssigned'>, outcome: StepOutcome): AnyMessage => {
    const { taskId, intentId, stepId, attempt } = task.payload;
    const ids = { taskId, intentId, stepId, attempt, agent: agent.name, agentVersion: agent.version, instanceId, calls: outcome.calls, ...(outcome.labels ? { labels: outcome.labels } : {}) };
    return outcome.type === 'TaskCompleted'
      ? // The step itself is charged with its completion: one message, not a UsageRecorded beside it.
        causedBy(task, 'TaskCompleted', { ...ids, output: outcome.output, durationMs: outcome.durationMs ?? null, usage: { tokens: 0, cost: 0, steps: 1 } }, actor)
      : causedBy(task, 'TaskFailed', { ...ids, error: outcome.error, retryable: outcome.retryable }, actor);
  };
  const failed = (error: string, retryable: boolean, calls: RecordedCall[] = []): StepOutcome => ({ type: 'TaskFailed', error, retryable, calls });
  /**
   * The outcome (redacted) and its message. One that cannot be sent (an output or a call record over the
   * contracts' limits) becomes a final failure naming why: the run settles instead of waiting on a task
   * whose report never leaves.
   */
  const reportable = (task: MessageOf<'TaskAssigned'>, produced: StepOutcome): { outcome: StepOutcome; message: AnyMessage } => {
    try {
      const outcome = redact(produced);
      return { outcome, message: outcomeOf(task, outcome) };
    } catch (error) {
      const failure = classifyFailure(error);
      if (!failure.permanent) throw error;
      const outcome = failed(`outcome not reportable: ${failure.error}`, false);
      return { outcome, message: outcomeOf(task, outcome) };
    }
  };
  /** Aborted by stop(): a task still waiting for its step's holder is given back rather than held. */
  const stopping = new AbortController();
  const ledger = new StepLedger(() => connector.kv(STEP_LEDGER_BUCKET), {
    owner: `${instanceId}/${randomBytes(4).toString('hex')}`,
    leaseMs: options.stepLeaseMs ?? settings.AGENTOS_STEP_LEASE_MS,
    log,
  });

  const kills = new CancellationWatch(agent.name);
  await kills.start(connector, transport, actor, tenant);
  let running = 0;

  const worker = new MessageWorker(connector, transport, {
    service: `agent-${agent.name}`,
    identity: { tenant, actor },
    // A tenant's agent takes only its tenant's tasks (its credentials let it act in no other).
    ...(tenant === SYSTEM_TENANT ? {} : { filterSender: { tenant } }),
    type: 'TaskAssigned',
    filterTokens: { agent: agent.name, instanceId },
    durable: `agent-${agent.name}-${instanceId}`,
    inactiveThresholdMs: 60 * 60_000,
    concurrency,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    log,
    handler: async (task) => {
      // A redelivery, a task re-queued from an instance thought dead, or a later attempt of a step
      // this agent already ran: the code runs once, its outcome is published again.
      const { intentId, stepId, attempt } = task.payload;
      // Stopping or the ledger unreachable: not an outcome, so it throws and the task stays in NATS for the next delivery.
      const claim = await ledger.claim({ agent: agent.name, intentId, stepId, attempt }, stopping.signal);
      if (claim.kind === 'settled') return void (await report(outcomeOf(task, claim.outcome)));
      try {
        const { outcome, message } = reportable(task, await handle(task));
        await claim.lease.settle(outcome);
        await report(message);
      } catch (error) {
        // Thrown only before the agent's code ran: the step is given back for the redelivery to run.
        await claim.lease.abandon();
        throw error;
      } finally {
        claim.lease.release();
      }
    },
  });

  async function handle(task: MessageOf<'TaskAssigned'>): Promise<StepOutcome> {
    const origin = { tenant: task.tenant, actor, correlationId: task.correlationId };
    // User input is screened for prompt injection before the agent sees it.
    // The question's id derives from the task's, so a redelivered task's input is screened (and flagged) as the same question.
    const screened = await screenTaskInput((query, timeoutMs) => publisher.request(query, timeoutMs), { ...origin, id: deriveId(task.id, 'ScreenInput') }, task.payload.intentId, task.payload.input);
    // Quarantined input is final; input policy could not screen just now waits in NATS for policy to be back.
    if (!screened.ok && screened.transient) throw new InfrastructureError(screened.reason);
    if (!screened.ok) return failed(screened.reason, false);
    const parsed = agent.input ? agent.input.safeParse(screened.input) : { success: true as const, data: screened.input as Input };
    if (!parsed.success) return failed(`invalid input: ${describeZodError(parsed.error)}`, false);
    const refusal = kills.stopping(task);
    if (refusal) return failed(refusal, false);
    const kill = kills.track(task);
    const untilDeadline = task.payload.deadline ? Date.parse(task.payload.deadline) - Date.now() : Infinity;
    const timeoutMs = Math.max(1, Math.min(agent.timeoutMs ?? 60_000, untilDeadline));
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), kill.signal]);
    // A kill or a timeout ends the task now, even if the agent's code does not watch its signal.
    const stopped = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    stopped.catch(() => undefined); // the timeout still fires after a task that finished in time
    const labels = new ContextLabels(task.payload);
    const recorder = new CallRecorder(() => labels.current());
    recorder.note('input', 'handled', parsed.data);
    const ctx = taskContext({ task, agent: agent as AgentDefinition<never, unknown>, instanceId, actor, publisher: patientPublisher(publisher, signal, log), model, signal, recorder, labels, secrets, redactor });
    running += 1;
    const started = performance.now();
    try {
      const produced = await Promise.race([agent.handle(parsed.data, ctx), stopped]);
      const durationMs = Math.round(performance.now() - started);
      const checked = agent.output ? agent.output.safeParse(produced) : { success: true as const, data: produced };
      // The agent's own bug: another attempt would return the same shape.
      if (!checked.success) return { ...failed(`invalid output: ${describeZodError(checked.error)}`, false, recorder.calls), labels: labels.current() };
      // The output is derived from everything the task read: its labels go with it to the steps that use it.
      return { type: 'TaskCompleted', output: checked.data, calls: recorder.calls, labels: labels.current(), durationMs };
    } catch (error) {
      const reason = (error as Error)?.message ?? String(error);
      return { ...failed(reason, !kill.signal.aborted && !FINAL_ERRORS.some((type) => error instanceof type), recorder.calls), labels: labels.current() };
    } finally {
      running -= 1;
      kills.untrack(task);
    }
  }

  await worker.start();
  await publisher.publish(
    createMessage('RegisterAgent', { ...identity, owner: agent.owner, capabilities: agent.capabilities, concurrency, ...schemasOf(agent) }, { tenant, actor }),
  );
  const beat = () =>
    publisher.publish(createMessage('AgentHeartbeatSent', { ...identity, inFlight: running, concurrency }, { tenant, actor })).catch((error: Error) => log.warn({ err: error.message }, 'heartbeat not sent'));
  const heartbeat = setInterval(beat, options.heartbeatMs ?? settings.AGENTOS_HEARTBEAT_MS);
  heartbeat.unref();
  log.info({ event: 'agent.started', agent: `${agent.name}@${agent.version}`, instanceId }, 'agent started');

  return {
    instanceId,
    async stop() {
      clearInterval(heartbeat);
      stopping.abort(new Error(`agent instance ${instanceId} stopping`));
      await worker.stop();
      kills.stop();
      await publisher.publish(createMessage('DeregisterAgent', { ...identity, reason: 'stopped' }, { tenant, actor })).catch(() => undefined);
      await connector.close();
    },
  };
}
