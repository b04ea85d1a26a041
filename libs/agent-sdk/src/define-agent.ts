import type { PayloadOf, PolicyAction, ReplyOf } from '@agentos/contracts';
import type { z } from 'zod';

export interface AgentMemory {
  /** Writes a value into the workflow's shared memory (scope `workflow`, id = the intent). */
  put(key: string, value: unknown): Promise<void>;
}

export interface AgentUsage {
  /** Reports LLM tokens and cost as they are spent; budgets in policy are enforced on them. */
  record(spent: { tokens?: number; cost?: number }): Promise<void>;
}

export interface AgentPolicy {
  /** Asks policy before acting. Fails closed: when policy does not answer, the verdict is deny. */
  check(action: PolicyAction, resource: { kind: string; name: string; classification?: string }, context?: Record<string, unknown>): Promise<ReplyOf<'CheckPolicy'>>;
}

export interface AgentContext {
  task: PayloadOf<'TaskAssigned'>;
  tenant: string;
  memory: AgentMemory;
  usage: AgentUsage;
  policy: AgentPolicy;
  /** Fires when the task times out, is killed, or its budget is spent: stop work and return. */
  signal: AbortSignal;
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
  /** Per-task time limit; the signal aborts when it passes. */
  timeoutMs?: number;
  handle(input: Input, ctx: AgentContext): Promise<Output>;
}

export const defineAgent = <Input, Output>(definition: AgentDefinition<Input, Output>) => definition;
