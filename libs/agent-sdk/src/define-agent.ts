import type { AgentMemory } from './memory-client';
import type { ChatMessage, Completion } from './llm';
import type { PayloadOf, PolicyAction, ReplyOf } from '@agentos/contracts';
import type { z } from 'zod';

export interface AgentUsage {
  /** Reports LLM tokens and cost as they are spent; budgets in policy are enforced on them. */
  record(spent: { tokens?: number; cost?: number }): Promise<void>;
}

export interface AgentPolicy {
  /** Asks policy before acting. Fails closed: when policy does not answer, the verdict is deny. */
  check(action: PolicyAction, resource: { kind: string; name: string; classification?: string }, context?: Record<string, unknown>): Promise<ReplyOf<'CheckPolicy'>>;
}

/** The idempotency key of a task's step: `<run>.<step>`, whichever delivery, instance or attempt runs it. */
export const idempotencyKeyOf = (task: Pick<PayloadOf<'TaskAssigned'>, 'intentId' | 'stepId'>) => `${task.intentId}.${task.stepId}`;

export interface AgentContext {
  task: PayloadOf<'TaskAssigned'>;
  tenant: string;
  /**
   * `<run>.<step>`: the same for every delivery, instance and attempt of this step. Pass it to outside
   * systems (a payment API's idempotency key) so an effect is made once even when the step runs again.
   */
  idempotencyKey: string;
  memory: AgentMemory;
  usage: AgentUsage;
  policy: AgentPolicy;
  /** Whether a feature toggle of the policy bundle is on for this task's tenant (off when policy does not answer). */
  feature(name: string): Promise<boolean>;
  /**
   * Screens untrusted text (a tool result, another agent's note) before it goes into a prompt:
   * returns it as it is or marked as untrusted; throws ContentQuarantinedError when policy quarantines it.
   */
  screen(text: string, source: string): Promise<string>;
  /** Fires when the task times out, is killed, or its budget is spent: stop work and return. */
  signal: AbortSignal;
  /** The model port (AGENTOS_LLM; a deterministic local model by default). Asks policy (llm.call) and records the tokens spent. */
  llm: AgentLlm;
  /** Calls one of the agent's tools; every call is checked by policy (tool.call) first. */
  tools: AgentTools;
  /** Reports progress, shown live to whoever follows the run. */
  emit(message: string, percent?: number): Promise<void>;
  /**
   * A secret, when policy allows this agent to read it (secret.read). From then on the value is
   * redacted from everything the agent sends: events, queries, logs and its recorded calls.
   */
  secrets: { get(name: string): Promise<string> };
}

export interface AgentLlm {
  complete(request: { messages: ChatMessage[]; maxTokens?: number; temperature?: number }): Promise<Completion>;
}

export interface AgentTools {
  call<T = unknown>(name: string, args?: Record<string, unknown>): Promise<T>;
}

/** A tool an agent may use: validated arguments in, a result out (screened when it is text). */
export interface AgentTool<Args = Record<string, unknown>, Result = unknown> {
  description?: string;
  input?: z.ZodType<Args>;
  run(args: Args, options: { signal: AbortSignal }): Promise<Result>;
}

/** Any tool, whatever its argument type: what an agent's tool table holds. */
export interface AnyAgentTool {
  description?: string;
  input?: z.ZodType;
  run(args: never, options: { signal: AbortSignal }): Promise<unknown>;
}

export class PolicyDeniedError extends Error {
  override name = 'PolicyDeniedError';
}

export class ContentQuarantinedError extends Error {
  override name = 'ContentQuarantinedError';
}

export interface AgentDefinition<Input = Record<string, unknown>, Output = unknown> {
  name: string;
  version: string;
  owner: string;
  capabilities: string[];
  /** Tasks handled at once by one instance. */
  concurrency?: number;
  /** Validates the task input before handle() sees it; a failure fails the task with the field named. */
  input?: z.ZodType<Input>;
  /** Validates what handle() returns before it is reported; published in the registry as JSON Schema, like input. */
  output?: z.ZodType<Output>;
  /** Per-task time limit; the signal aborts when it passes (or at the step's deadline, if sooner). */
  timeoutMs?: number;
  tools?: Record<string, AnyAgentTool>;
  handle(input: Input, ctx: AgentContext): Promise<Output>;
}

export const defineAgent = <Input, Output>(definition: AgentDefinition<Input, Output>) => definition;
