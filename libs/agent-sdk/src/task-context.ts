import { causedBy, createMessage, deriveId, type Actor, type MessageOf, type PolicyAction } from '@agentos/contracts';
import { REDACTED, type Redactor, type SecretStore } from '@agentos/secrets';
import { checkPolicy } from '@agentos/policy-client';
import { textOf } from '@agentos/policy-engine';
import { ContentQuarantinedError, PolicyDeniedError, idempotencyKeyOf, type AgentContext, type AgentDefinition } from './define-agent';
import type { LanguageModel } from './llm';
import { awaitApproval } from './call-approval';
import type { CallRecorder } from './call-record';
import type { ContextLabels } from './context-labels';
import { memoryClient } from './memory-client';
import type { TaskPublisher } from './redaction';
import { screen } from './screening';

export interface TaskScope {
  task: MessageOf<'TaskAssigned'>;
  /** Records what the context's calls returned, for replay. */
  recorder: CallRecorder;
  /** What the task has read, by origin: sent with every policy check, grown by tool results, notes and memory. */
  labels: ContextLabels;
  agent: AgentDefinition<never, unknown>;
  instanceId: string;
  actor: Actor;
  publisher: TaskPublisher;
  secrets: SecretStore;
  redactor: Redactor;
  model: LanguageModel;
  signal: AbortSignal;
}

/**
 * Everything an agent's handler may do for one task, each through the system: memory and policy by
 * request/reply, usage and progress as events caused by the task (ids derived from it, so a
 * redelivered task re-publishes the same ones), model and tool calls only after policy allows them.
 */
export function taskContext(scope: TaskScope): AgentContext {
  const { task, agent, actor, publisher, instanceId, signal, recorder, labels } = scope;
  const origin = { tenant: task.tenant, actor, correlationId: task.correlationId };
  const intentId = task.payload.intentId;
  let sequence = 0;
  const next = (kind: string) => `${kind}:${(sequence += 1)}`;

  const reportUsage = (usage: { tokens?: number; cost?: number; steps?: number }) =>
    publisher.publish(causedBy(task, 'UsageRecorded', { intentId, taskId: task.payload.taskId, agent: agent.name, ...usage }, actor, next('usage')));
  const policy = {
    check: (action: PolicyAction, resource: { kind: string; name: string; classification?: string }, context: Record<string, unknown> = {}) =>
      checkPolicy((query, timeoutMs) => publisher.request(query, timeoutMs), origin, {
        action,
        intentId,
        subject: { agent: agent.name, version: agent.version, owner: agent.owner },
        resource,
        context,
        labels: labels.current(),
        // A fork pinned to a policy bundle is decided under that bundle only, its agents' calls too.
        ...(task.payload.policyBundle ? { pinnedBundle: task.payload.policyBundle } : {}),
      }),
  };
  /** Parks a call until an approver decides (awaitApproval); resolves with its approval id once approved. */
  const park = async (action: PolicyAction, resource: { kind: string; name: string }, args: Record<string, unknown>, verdict: { rule: string | null; reason: string }) => {
    const approvalId = deriveId(task.payload.taskId, 'approval', next('approval'));
    await awaitApproval({ task, actor, agentName: agent.name, instanceId, publisher, signal }, { approvalId, action, resource, args, verdict });
    return approvalId;
  };
  /** Goes on when policy allows the call; a call a rule says needs approval waits for an approver. */
  const allowed = async (action: PolicyAction, resource: { kind: string; name: string }, args: Record<string, unknown> = {}) => {
    const verdict = await policy.check(action, resource);
    if (verdict.effect === 'allow') return;
    if (verdict.effect === 'require_approval') return void (await park(action, resource, args, verdict));
    throw new PolicyDeniedError(`${action} ${resource.name} denied by policy (${verdict.rule ?? 'default'}: ${verdict.reason})`);
  };
  const screenText = async (text: string, source: string) => {
    // Its id derives from the task's and the call's place in it, as usage's do: a redelivered task flags once.
    const question = { ...origin, id: deriveId(task.id, 'ScreenContent', next('screen')) };
    const outcome = await screen((query, timeoutMs) => publisher.request(query, timeoutMs), question, { origin: 'tool_result', source, text, intentId });
    if (!outcome.ok) throw new ContentQuarantinedError(outcome.reason);
    return outcome.text;
  };

  // Everything that reaches outside the agent is recorded with its answer (emit and usage are outputs).
  const recorded = {
    policy: recorder.wrap('policy', policy),
    screening: recorder.wrap('screen', { screen: screenText }),
    features: recorder.wrap('feature', {
      enabled: (name: string) =>
        publisher.request(createMessage('IsFeatureEnabled', { feature: name }, origin), 2_000).then(
          (state) => state.enabled,
          () => false,
        ),
    }),
  };
  return {
    task: task.payload,
    tenant: task.tenant,
    idempotencyKey: idempotencyKeyOf(task.payload),
    signal,
    policy: recorded.policy,
    screen: (text, source) => {
      // Text an agent screens itself came from outside the task: the context holds it from now on.
      labels.add({ origin: 'tool_result', source });
      return recorded.screening.screen(text, source);
    },
    usage: { record: async (spent) => void (await reportUsage(spent)) },
    feature: (name) => recorded.features.enabled(name),
    memory: recorder.wrap('memory', memoryClient({
      ask: (query, timeoutMs) => publisher.request(query, timeoutMs),
      compose: (type, payload) => causedBy(task, type, payload, actor, next(type)),
      self: actor.id,
      agentName: agent.name,
      intentId,
      screen: screenText,
      label: (label) => labels.add(label),
      park,
    })),
    llm: recorder.wrap('llm', {
      async complete(request) {
        await allowed('llm.call', { kind: 'model', name: scope.model.name }, { model: scope.model.name });
        const completion = await scope.model.complete({ ...request, signal });
        // Derived from the context: trusted on its own, tainted by whatever the context holds.
        labels.add({ origin: 'model_output', source: `model:${scope.model.name}` });
        // Tokens count against the workflow's and the tenant's budgets.
        await reportUsage({ tokens: completion.usage.totalTokens });
        return completion;
      },
    }),
    tools: recorder.wrap('tools', {
      async call<T>(name: string, args: Record<string, unknown> = {}): Promise<T> {
        const tool = agent.tools?.[name];
        if (!tool) throw new Error(`unknown tool "${name}" (this agent has: ${Object.keys(agent.tools ?? {}).join(', ') || 'none'})`);
        await allowed('tool.call', { kind: 'tool', name }, args);
        const parsed = tool.input ? tool.input.parse(args) : args;
        const result = await (tool.run as (args: unknown, options: { signal: AbortSignal }) => Promise<unknown>)(parsed, { signal });
        // Whatever it says, and whether or not screening flags it, the context now holds a tool's result.
        labels.add({ origin: 'tool_result', source: `tool:${name}` });
        // Tool output is untrusted: text goes through injection screening before a prompt sees it; structured
        // output is screened as its keys and strings read together, and quarantined whole when flagged.
        if (typeof result === 'string') return (await screenText(result, `tool:${name}`)) as T;
        const text = textOf(result);
        if (text) await screenText(text, `tool:${name}`);
        return result as T;
      },
    }),
    secrets: {
      async get(name: string) {
        await allowed('secret.read', { kind: 'secret', name }, { name });
        const value = await scope.secrets.get(name);
        if (value === undefined) throw new Error(`secret ${name} is not set in ${scope.secrets.name}`);
        scope.redactor.add(value);
        // Recorded without its value: a replay hands the code the marker instead.
        recorder.note('secrets', 'get', REDACTED, [name]);
        return value;
      },
    },
    emit: async (message, percent) => {
      await publisher.publish(
        causedBy(task, 'TaskProgressed', { taskId: task.payload.taskId, intentId, stepId: task.payload.stepId, agent: agent.name, instanceId, message, ...(percent === undefined ? {} : { percent }) }, actor, next('progress')),
      );
    },
  };
}
