import { causedBy, createMessage, describeZodError, type Actor, type AnyMessage, type MessageOf, type RecordedCall } from '@agentos/contracts';
import { MessagePublisher, MessageWorker, NatsConnector, ensureStreams, startTracing, natsSettingsFromEnv, silentLog, type Log, type NatsSettings, type RetryPolicy } from '@agentos/messaging';
import { randomBytes } from 'node:crypto';
import { Redactor, secretStoreFromEnv, type SecretStore } from '@agentos/secrets';
import { hostname } from 'node:os';
import { z } from 'zod';
import { BoundedMap } from './bounded-map';
import { CallRecorder } from './call-record';
import { CancellationWatch } from './cancellation-watch';
import { ContentQuarantinedError, PolicyDeniedError, type AgentDefinition } from './define-agent';
import { languageModelFromEnv, type LanguageModel } from './llm';
import { redactingLog, redactingPublisher } from './redaction';
import { screenInput } from './screening';
import { taskContext } from './task-context';

export interface RunAgentOptions {
  nats?: NatsSettings;
  /** Distinguishes instances of one agent; AGENTOS_INSTANCE_ID (set by the supervisor), else host, pid and a random suffix. */
  instanceId?: string;
  tenant?: string;
  retry?: Partial<RetryPolicy>;
  log?: Log;
  /** The model behind ctx.llm; AGENTOS_LLM and friends by default. */
  model?: LanguageModel;
  /** How often the instance tells the registry it is alive (AGENTOS_HEARTBEAT_MS, default 2 s). */
  heartbeatMs?: number;
  /** Where ctx.secrets reads from; AGENTOS_SECRETS_FILE (encrypted) or AGENTOS_SECRET_* variables by default. */
  secrets?: SecretStore;
}

export interface RunningAgent {
  instanceId: string;
  /** Finishes the tasks in hand, then leaves the registry (so nothing is re-queued needlessly). */
  stop(): Promise<void>;
}

const DEFAULT_RETRY: RetryPolicy = { maxDeliver: 3, initialBackoffMs: 250, maxBackoffMs: 10_000 };
/** Failures another attempt cannot fix: the orchestrator does not retry them. */
const FINAL_ERRORS = [ContentQuarantinedError, PolicyDeniedError];

/** The declared input and output as JSON Schema; a schema zod cannot express (e.g. a transform) is left out. */
function schemasOf(agent: AgentDefinition<unknown, unknown>): { inputSchema?: Record<string, unknown>; outputSchema?: Record<string, unknown> } {
  const json = (schema: z.ZodType | undefined) => {
    try {
      return schema ? (z.toJSONSchema(schema) as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const [inputSchema, outputSchema] = [json(agent.input), json(agent.output)];
  return { ...(inputSchema ? { inputSchema } : {}), ...(outputSchema ? { outputSchema } : {}) };
}

const defaultInstanceId = () => `${hostname().replace(/[^A-Za-z0-9_-]/g, '_')}-${process.pid}-${randomBytes(3).toString('hex')}`;

/**
 * Registers the agent, heartbeats, and works the tasks the scheduler sends to this instance (each
 * instance has its own subject and consumer, so the orchestrator decides who runs what). Every
 * task ends in TaskCompleted or TaskFailed; retries are the workflow's business, not the agent's.
 */
export async function runAgent<Input, Output>(agent: AgentDefinition<Input, Output>, options: RunAgentOptions = {}): Promise<RunningAgent> {
  startTracing();
  const instanceId = options.instanceId ?? process.env.AGENTOS_INSTANCE_ID ?? defaultInstanceId();
  const connector = new NatsConnector(options.nats ?? natsSettingsFromEnv(`agent-${agent.name}`));
  const redactor = new Redactor();
  const secrets = options.secrets ?? secretStoreFromEnv();
  const transport = new MessagePublisher(connector);
  const publisher = redactingPublisher(transport, redactor);
  const log = redactingLog(options.log ?? silentLog, redactor);
  const model = options.model ?? languageModelFromEnv();
  const concurrency = agent.concurrency ?? 1;
  const actor: Actor = { kind: 'agent', id: `${agent.name}@${agent.version}` };
  const identity = { name: agent.name, version: agent.version, instanceId };
  await ensureStreams(await connector.manager$(), { replicas: connector.settings.replicas });

  /**
   * A task's outcome, once known, is kept (by task and attempt) and published until NATS takes it: a
   * redelivered task (its ack was lost, NATS restarted) gets the same outcome again instead of the
   * agent's code running twice.
   */
  const outcomes = new BoundedMap<string, AnyMessage>(10_000);
  const inProgress = new Map<string, Promise<void>>();
  const report = async (outcome: AnyMessage) => {
    const { taskId, attempt } = outcome.payload as { taskId: string; attempt: number };
    outcomes.set(`${taskId}/${attempt}`, outcome);
    for (let wait = 250; ; wait = Math.min(wait * 2, 5_000)) {
      try {
        return await publisher.publish(outcome);
      } catch (error) {
        log.warn({ err: (error as Error).message, taskId }, 'task outcome not published yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  };
  const fail = (task: MessageOf<'TaskAssigned'>, error: string, retryable: boolean, calls: RecordedCall[] = []) => {
    const { taskId, intentId, stepId, attempt } = task.payload;
    return report(causedBy(task, 'TaskFailed', { taskId, intentId, stepId, attempt, agent: agent.name, agentVersion: agent.version, instanceId, error, retryable, calls }, actor));
  };

  const kills = new CancellationWatch(agent.name);
  await kills.start(connector, transport, actor);
  let running = 0;

  const worker = new MessageWorker(connector, transport, {
    service: `agent-${agent.name}`,
    type: 'TaskAssigned',
    filterTokens: { agent: agent.name, instanceId },
    durable: `agent-${agent.name}-${instanceId}`,
    inactiveThresholdMs: 60 * 60_000,
    concurrency,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    log,
    handler: async (task) => {
      const key = `${task.payload.taskId}/${task.payload.attempt}`;
      // A redelivery (its ack was lost, NATS restarted) while the first delivery still runs, or after
      // it finished: the work is done once, its outcome published again.
      const earlier = inProgress.get(key);
      if (earlier) await earlier.catch(() => undefined);
      const known = outcomes.get(key);
      if (known) return void (await report(known));
      const work = handle(task);
      inProgress.set(key, work);
      try {
        await work;
      } finally {
        inProgress.delete(key);
      }
    },
  });

  async function handle(task: MessageOf<'TaskAssigned'>): Promise<void> {
    const origin = { tenant: task.tenant, actor, correlationId: task.correlationId };
    // User input is screened for prompt injection before the agent sees it.
    const screened = await screenInput((query, timeoutMs) => publisher.request(query, timeoutMs), origin, task.payload.intentId, task.payload.input);
    // Quarantined input is final; input policy could not screen just now may pass on another attempt.
    if (!screened.ok) return void (await fail(task, screened.reason, screened.transient));
    const parsed = agent.input ? agent.input.safeParse(screened.input) : { success: true as const, data: screened.input as Input };
    if (!parsed.success) return void (await fail(task, `invalid input: ${describeZodError(parsed.error)}`, false));
    const killed = kills.covering(task);
    if (killed) return void (await fail(task, `cancelled by kill switch (${killed.scope} ${killed.target}): ${killed.reason}`, false));
    const kill = kills.track(task);
    const untilDeadline = task.payload.deadline ? Date.parse(task.payload.deadline) - Date.now() : Infinity;
    const timeoutMs = Math.max(1, Math.min(agent.timeoutMs ?? 60_000, untilDeadline));
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), kill.signal]);
    // A kill or a timeout ends the task now, even if the agent's code does not watch its signal.
    const stopped = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    stopped.catch(() => undefined); // the timeout still fires after a task that finished in time
    const recorder = new CallRecorder();
    recorder.note('input', 'handled', parsed.data);
    const ctx = taskContext({ task, agent: agent as AgentDefinition<never, unknown>, instanceId, actor, publisher, model, signal, recorder, secrets, redactor });
    running += 1;
    try {
      const produced = await Promise.race([agent.handle(parsed.data, ctx), stopped]);
      const checked = agent.output ? agent.output.safeParse(produced) : { success: true as const, data: produced };
      // The agent's own bug: another attempt would return the same shape.
      if (!checked.success) return void (await fail(task, `invalid output: ${describeZodError(checked.error)}`, false, recorder.calls));
      const output = checked.data;
      await ctx.reportUsage({ steps: 1 });
      const { taskId, intentId, stepId, attempt } = task.payload;
      await report(causedBy(task, 'TaskCompleted', { taskId, intentId, stepId, attempt, agent: agent.name, agentVersion: agent.version, instanceId, output, calls: recorder.calls }, actor));
    } catch (error) {
      const reason = (error as Error)?.message ?? String(error);
      await fail(task, reason, !kill.signal.aborted && !FINAL_ERRORS.some((type) => error instanceof type), recorder.calls);
    } finally {
      running -= 1;
      kills.untrack(task);
    }
  }

  await worker.start();
  await publisher.publish(
    createMessage('RegisterAgent', { ...identity, owner: agent.owner, capabilities: agent.capabilities, concurrency, ...schemasOf(agent) }, { tenant: options.tenant ?? 'system', actor }),
  );
  const beat = () =>
    publisher.publish(createMessage('AgentHeartbeatSent', { ...identity, inFlight: running, concurrency }, { tenant: options.tenant ?? 'system', actor })).catch((error: Error) => log.warn({ err: error.message }, 'heartbeat not sent'));
  const heartbeat = setInterval(beat, options.heartbeatMs ?? Number(process.env.AGENTOS_HEARTBEAT_MS ?? 2_000));
  heartbeat.unref();
  log.info({ event: 'agent.started', agent: `${agent.name}@${agent.version}`, instanceId }, 'agent started');

  return {
    instanceId,
    async stop() {
      clearInterval(heartbeat);
      await worker.stop();
      kills.stop();
      await publisher.publish(createMessage('DeregisterAgent', { ...identity, reason: 'stopped' }, { tenant: options.tenant ?? 'system', actor })).catch(() => undefined);
      await connector.close();
    },
  };
}
