import { causedBy, createMessage, describeZodError, type Actor, type MessageOf, type PolicyAction } from '@agentos/contracts';
import { MessagePublisher, MessageWorker, NatsConnector, ensureStreams, startTracing, natsSettingsFromEnv, silentLog, type Log, type NatsSettings, type RetryPolicy } from '@agentos/messaging';
import { checkPolicy } from '@agentos/policy-client';
import { hostname } from 'node:os';
import type { AgentDefinition } from './define-agent';
import { CancellationWatch } from './cancellation-watch';
import { ContentQuarantinedError } from './define-agent';
import { memoryClient } from './memory-client';
import { screen, screenInput } from './screening';

export interface RunAgentOptions {
  nats?: NatsSettings;
  /** Distinguishes instances of one agent; defaults to host and pid. */
  instanceId?: string;
  tenant?: string;
  retry?: Partial<RetryPolicy>;
  log?: Log;
}

export interface RunningAgent {
  instanceId: string;
  stop(): Promise<void>;
}

const DEFAULT_RETRY: RetryPolicy = { maxDeliver: 3, initialBackoffMs: 250, maxBackoffMs: 10_000 };

/**
 * Registers the agent with the registry and works its tasks off JetStream. All instances of one
 * agent share a durable consumer, so adding instances adds throughput. A task whose handler keeps
 * failing is reported as TaskFailed on its last attempt, so the workflow learns of it.
 */
export async function runAgent<Input, Output>(agent: AgentDefinition<Input, Output>, options: RunAgentOptions = {}): Promise<RunningAgent> {
  startTracing();
  const instanceId = options.instanceId ?? `${hostname()}-${process.pid}`;
  const connector = new NatsConnector(options.nats ?? natsSettingsFromEnv(`agent-${agent.name}`));
  const publisher = new MessagePublisher(connector);
  const log = options.log ?? silentLog;
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const actor: Actor = { kind: 'agent', id: `${agent.name}@${agent.version}` };
  await ensureStreams(await connector.manager$());

  const fail = (task: MessageOf<'TaskAssigned'>, error: string) =>
    publisher.publish(causedBy(task, 'TaskFailed', { taskId: task.payload.taskId, intentId: task.payload.intentId, agent: agent.name, agentVersion: agent.version, instanceId, error }, actor));

  const kills = new CancellationWatch(agent.name);
  await kills.start(connector, publisher, actor);

  const worker = new MessageWorker(connector, publisher, {
    service: `agent-${agent.name}`,
    type: 'TaskAssigned',
    filterTokens: { agent: agent.name },
    durable: `agent-${agent.name}`,
    concurrency: agent.concurrency ?? 1,
    retry,
    log,
    handler: async (task, delivery) => {
      const origin = { tenant: task.tenant, actor, correlationId: task.correlationId };
      const ask = (query: MessageOf<'ScreenContent'>, timeoutMs?: number) => publisher.request(query, timeoutMs);
      // User input is screened for prompt injection before the agent sees it.
      const screened = await screenInput(ask, origin, task.payload.intentId, task.payload.input);
      if (!screened.ok) return void (await fail(task, screened.reason));
      const parsed = agent.input ? agent.input.safeParse(screened.input) : { success: true as const, data: screened.input as Input };
      if (!parsed.success) {
        // A retry cannot fix bad input: fail the task at once, naming the fields.
        return void (await fail(task, `invalid input: ${describeZodError(parsed.error)}`));
      }
      const killed = kills.covering(task);
      if (killed) return void (await fail(task, `cancelled by kill switch (${killed.scope} ${killed.target}): ${killed.reason}`));
      const kill = kills.track(task);
      const signal = AbortSignal.any([AbortSignal.timeout(agent.timeoutMs ?? 60_000), kill.signal]);
      // A kill ends the task now, even if the agent's code does not watch its signal.
      const cancelled = new Promise<never>((_, reject) => kill.signal.addEventListener('abort', () => reject(kill.signal.reason), { once: true }));
      let usageRecords = 0;
      const reportUsage = (usage: { tokens?: number; cost?: number; steps?: number }) =>
        publisher.publish(causedBy(task, 'UsageRecorded', { intentId: task.payload.intentId, taskId: task.payload.taskId, agent: agent.name, ...usage }, actor, `usage:${(usageRecords += 1)}`));
      const usage = { record: async (spent: { tokens?: number; cost?: number }) => void (await reportUsage(spent)) };
      const policy = {
        check: (action: PolicyAction, resource: { kind: string; name: string; classification?: string }, context: Record<string, unknown> = {}) =>
          checkPolicy((query, timeoutMs) => publisher.request(query, timeoutMs), origin, {
            action,
            intentId: task.payload.intentId,
            subject: { agent: agent.name, version: agent.version, owner: agent.owner },
            resource,
            context,
          }),
      };
      const screenText = async (text: string, source: string) => {
        const outcome = await screen(ask, origin, { origin: 'tool_result', source, text, intentId: task.payload.intentId });
        if (!outcome.ok) throw new ContentQuarantinedError(outcome.reason);
        return outcome.text;
      };
      const feature = (name: string) =>
        publisher.request(createMessage('IsFeatureEnabled', { feature: name }, origin), 2_000).then(
          (state) => state.enabled,
          () => false,
        );
      let requests = 0;
      const memory = memoryClient({
        ask: (query, timeoutMs) => publisher.request(query, timeoutMs),
        compose: (type, payload) => causedBy(task, type, payload, actor, `${type}:${(requests += 1)}`),
        self: actor.id,
        agentName: agent.name,
        intentId: task.payload.intentId,
        screen: screenText,
      });
      try {
        const output = await Promise.race([agent.handle(parsed.data, { task: task.payload, tenant: task.tenant, memory, usage, policy, feature, screen: screenText, signal }), cancelled]);
        await reportUsage({ steps: 1 });
        await publisher.publish(
          causedBy(task, 'TaskCompleted', { taskId: task.payload.taskId, intentId: task.payload.intentId, agent: agent.name, agentVersion: agent.version, instanceId, output }, actor),
        );
      } catch (error) {
        const reason = (error as Error)?.message ?? String(error);
        if (!kill.signal.aborted && delivery.deliveryCount < retry.maxDeliver) throw error; // the worker retries with backoff
        await fail(task, reason);
      } finally {
        kills.untrack(task);
      }
    },
  });

  await worker.start();
  const registration = createMessage(
    'RegisterAgent',
    { name: agent.name, version: agent.version, owner: agent.owner, capabilities: agent.capabilities, concurrency: agent.concurrency ?? 1, instanceId },
    { tenant: options.tenant ?? 'system', actor },
  );
  await publisher.publish(registration);
  log.info({ event: 'service.started', agent: `${agent.name}@${agent.version}`, instanceId }, 'agent started');

  return {
    instanceId,
    async stop() {
      await worker.stop();
      kills.stop();
      await connector.close();
    },
  };
}
