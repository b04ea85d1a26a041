import { z } from 'zod';
import { ContentLabels } from './labels';
import { BundleVersion, InstanceId, JsonObject, Name, SemVer, Spending } from './shared';
import { Priority, StepTarget } from './workflow';

/** Intents run as a single step of this name. */
export const MAIN_STEP = 'main';

/** Ready to run: waits in the orchestrator's scheduler for a free agent instance. */
export const TaskQueued = z.object({
  taskId: z.uuid(),
  intentId: z.uuid(),
  stepId: Name,
  attempt: z.number().int().positive(),
  target: StepTarget,
  input: JsonObject,
  priority: Priority,
  timeoutMs: z.number().int().positive(),
  /** Queued time plus the step's timeout: past it, the attempt fails whether or not it started. */
  deadline: z.iso.datetime(),
  /** Labels of the step outputs the input was built from (none: only the run's own input). */
  inputLabels: ContentLabels.optional(),
});

export const TaskAssigned = z.object({
  taskId: z.uuid(),
  intentId: z.uuid(),
  stepId: Name.default(MAIN_STEP),
  attempt: z.number().int().positive().default(1),
  agent: Name,
  agentVersion: SemVer,
  /** The instance chosen by the scheduler; the task is published on its own subject. */
  instanceId: InstanceId,
  capability: Name.optional(),
  input: JsonObject,
  deadline: z.iso.datetime().optional(),
  /** Labels of the step outputs the input was built from; the agent adds `user_input` for the rest. */
  inputLabels: ContentLabels.optional(),
  /** The policy bundle version the run is pinned to (a fork reset with one): the agent names it on every policy check. */
  policyBundle: BundleVersion.optional(),
});

/** The orchestrator gave up waiting for the attempt (no agent took it, or it ran too long). */
export const TaskExpired = z.object({
  taskId: z.uuid(),
  intentId: z.uuid(),
  stepId: Name,
  attempt: z.number().int().positive(),
  instanceId: InstanceId.optional(),
  timeoutMs: z.number().int().positive(),
  /** Why it had not finished: still waiting for an agent, or running on an instance. */
  reason: z.string(),
});

/** Progress an agent reports while it works (ctx.emit); not recorded, shown live. */
export const TaskProgressed = z.object({
  taskId: z.uuid(),
  intentId: z.uuid(),
  stepId: Name,
  agent: Name,
  instanceId: InstanceId,
  message: z.string().max(2_000),
  percent: z.number().min(0).max(100).optional(),
});

/**
 * One call an agent made through its context (model, tool, memory, policy, ...), in call order, with
 * what came back; kind `input` holds the input its handler was given (after screening). Recorded with
 * the task's outcome so a replay can run the agent's code again without live calls.
 */
export const RecordedCall = z.object({
  kind: z.string(),
  name: z.string(),
  request: z.unknown(),
  response: z.unknown().optional(),
  error: z.object({ name: z.string(), message: z.string() }).optional(),
  /** The task context's labels when the call was made (what the agent had read by then). */
  labels: ContentLabels.optional(),
});
export type RecordedCall = z.infer<typeof RecordedCall>;

/** Version 1 of TaskCompleted, as recorded before version 2: still read (and upcast), never written. */
export const TaskCompletedV1 = z.object({
  taskId: z.uuid(),
  intentId: z.uuid(),
  stepId: Name.default(MAIN_STEP),
  attempt: z.number().int().positive().default(1),
  agent: Name,
  agentVersion: SemVer,
  instanceId: InstanceId,
  output: z.unknown(),
  calls: z.array(RecordedCall).default([]),
  /** The labels of everything the task read: the output is derived from it and carries them to the next step. */
  labels: ContentLabels.optional(),
});

/** Version 2: how long the agent's handler ran, measured by the agent SDK on the instance. */
export const TaskCompleted = TaskCompletedV1.extend({
  /**
   * Milliseconds; null when nobody measured it (recorded as version 1). Defaults to null so that producers built
   * before version 2 still type-check; the agent SDK always sets it.
   */
  durationMs: z.number().int().nonnegative().nullable().default(null),
  /**
   * What the task spent that it had not reported yet, charged with its completion: the agent SDK puts the step
   * itself here (one message, not a UsageRecorded beside the completion). Spending during the task (a model's
   * tokens) is UsageRecorded, charged at once. Optional, so completions recorded before it read unchanged.
   */
  usage: Spending.optional(),
});

/** Version 1 → 2: the duration was not measured then, so it is unknown (null), never made up. */
export const upcastTaskCompletedV1 = (payload: z.output<typeof TaskCompletedV1>): z.input<typeof TaskCompleted> => ({ ...payload, durationMs: null });

export const TaskFailed = z.object({
  taskId: z.uuid(),
  intentId: z.uuid(),
  stepId: Name.default(MAIN_STEP),
  attempt: z.number().int().positive().default(1),
  agent: Name,
  agentVersion: SemVer,
  instanceId: InstanceId,
  error: z.string(),
  /** False when another attempt cannot help: invalid input, a kill switch, a spent budget, quarantined content. */
  retryable: z.boolean().default(true),
  calls: z.array(RecordedCall).default([]),
  labels: ContentLabels.optional(),
});

/**
 * The scheduler's choice of an instance for a queued task. The orchestrator creates it itself and
 * decides on it like any other message, so the choice is recorded with the decision.
 */
export const AssignTask = z.object({ taskId: z.uuid(), intentId: z.uuid(), stepId: Name, instanceId: InstanceId });

/** A deadline or a retry back-off of the orchestrator came due (created by its timer wheel). */
export const FireTimer = z.object({
  intentId: z.uuid(),
  kind: z.enum(['deadline', 'retry']),
  stepId: Name,
  attempt: z.number().int().positive(),
  taskId: z.uuid().optional(),
});
