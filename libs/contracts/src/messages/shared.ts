import { z } from 'zod';

/** Agent and capability names become NATS subject tokens and durable names, so no dots or wildcards. */
export const Name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a lower-case name (a-z, 0-9, _ or -), at most 64 characters');

export const SemVer = z.string().regex(/^\d+\.\d+\.\d+(?:-[\w.]+)?$/, 'must be a semantic version such as 1.2.0');

export const JsonObject = z.record(z.string(), z.unknown());

/**
 * Agent instance ids become a subject token (tasks are sent to one instance), so no dots. They must
 * be unique across all agents: the scheduler counts slots and trips circuit breakers per instance id.
 */
export const InstanceId = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'must be letters, digits, _ or - (at most 200)');

/** A policy bundle's `version` (`prod-7`), recorded on every decision. */
export const BundleVersion = z.string().min(1).max(128);

/** What an agent spent: model tokens, money, and steps (a completed task is one). */
export const Spending = z.object({
  tokens: z.number().int().nonnegative().default(0),
  cost: z.number().nonnegative().default(0),
  steps: z.number().int().nonnegative().default(0),
});
export type Spending = z.output<typeof Spending>;
