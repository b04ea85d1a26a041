import { z } from 'zod';
import { ContentLabels } from './labels';
import { ClientInput } from '../limits';
import { BundleVersion, JsonObject, Name, SemVer } from './shared';

/** Scheduling priority of a workflow's tasks: high tasks are dispatched first. */
export const Priority = z.enum(['low', 'normal', 'high']);
export type Priority = z.infer<typeof Priority>;

/** What a step needs: a capability, a pinned agent (optionally at one version), or both. */
export const StepTarget = z
  .object({ capability: Name.optional(), agent: z.object({ name: Name, version: SemVer.optional() }).optional() })
  .refine((t) => t.capability !== undefined || t.agent !== undefined, 'a step needs a capability or an agent');
export type StepTarget = z.infer<typeof StepTarget>;

export const StepRetries = z.object({
  /** Attempts after the first one. */
  max: z.number().int().min(0).max(20),
  initialBackoffMs: z.number().int().min(0).max(3_600_000),
  maxBackoffMs: z.number().int().min(0).max(3_600_000),
});
export type StepRetries = z.infer<typeof StepRetries>;

export const OnFailure = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fail') }),
  z.object({ kind: z.literal('skip') }),
  z.object({ kind: z.literal('compensate'), step: Name }),
]);
export type OnFailure = z.infer<typeof OnFailure>;

/**
 * Input templates are JSON whose strings may hold `${input.a.b}`, `${steps.<id>.output.x}` or,
 * in compensations, `${steps.<id>.error}`; they are resolved when the step becomes ready.
 */
export const CompensationStep = z.object({
  id: Name,
  target: StepTarget,
  input: JsonObject,
  timeoutMs: z.number().int().positive().max(86_400_000),
  retries: StepRetries,
});
export type CompensationStep = z.infer<typeof CompensationStep>;

/** A wait step runs no agent: it completes with the data of a signal of this name (SignalRun), or fails at its timeout. */
export const WaitFor = z.object({ signal: Name });
export type WaitFor = z.infer<typeof WaitFor>;

export const WorkflowStep = CompensationStep.extend({
  /** Absent on a wait step: it is the one step kind no agent runs. */
  target: StepTarget.optional(),
  needs: z.array(Name),
  onFailure: OnFailure,
  wait: WaitFor.optional(),
}).refine((step) => (step.wait === undefined) !== (step.target === undefined), 'a step names a capability or an agent, or waits for a signal (one of the two)');
export type WorkflowStep = z.infer<typeof WorkflowStep>;

/** A workflow in its normalised wire form (durations in ms, defaults filled in). */
export const WorkflowDefinition = z.object({
  name: Name,
  description: z.string().max(2_000).optional(),
  priority: Priority,
  steps: z.array(WorkflowStep).min(1).max(500),
  compensations: z.array(CompensationStep).max(100),
  /** The workflow's result; by default the outputs of the steps nothing depends on. */
  output: JsonObject.optional(),
});
export type WorkflowDefinition = z.infer<typeof WorkflowDefinition>;

/** Start a workflow run; the definition is re-validated by the orchestrator before anything runs. */
export const RunWorkflow = z.object({
  workflowId: z.uuid(),
  definition: WorkflowDefinition,
  input: ClientInput.default({}),
  /** Overrides the definition's priority for this run. */
  priority: Priority.optional(),
});

export const WorkflowStarted = z.object({
  workflowId: z.uuid(),
  definition: WorkflowDefinition,
  input: JsonObject,
  priority: Priority,
  /** A run reset from a past point of another (ResetRun): its parent and the step it ran again from. */
  forkedFrom: z
    .object({
      runId: z.uuid(),
      step: Name,
      /** The agent version its steps run again were pinned to. */
      agent: z.object({ name: Name, version: SemVer }).optional(),
      /** The policy bundle version the run is pinned to: its checks, and its agents', are decided only under that bundle. */
      policyBundle: BundleVersion.optional(),
    })
    .optional(),
  /** A run a schedule started: the schedule and the tick. */
  scheduled: z.object({ scheduleId: z.uuid(), tickAt: z.iso.datetime() }).optional(),
});

export const WorkflowRejected = z.object({
  workflowId: z.uuid(),
  reason: z.string(),
  /** Each problem names the step and field, e.g. `steps.1 (summarise).capability: ...`. */
  problems: z.array(z.string()).default([]),
  rule: z.string().nullable().default(null),
});

export const WorkflowCompleted = z.object({ workflowId: z.uuid(), output: z.unknown() });

export const WorkflowFailed = z.object({
  workflowId: z.uuid(),
  reason: z.string(),
  failedStep: Name.optional(),
  /** The compensation that ran before the workflow failed, if any. */
  compensatedBy: Name.optional(),
});

export const StepCompleted = z.object({
  workflowId: z.uuid(),
  stepId: Name,
  taskId: z.uuid(),
  attempt: z.number().int().positive(),
  output: z.unknown(),
  /** The labels the output carries (TaskCompleted's), passed on to the steps that use it. */
  labels: ContentLabels.optional(),
});

/** The step's last attempt failed; its onFailure decides what happens next. */
export const StepFailed = z.object({
  workflowId: z.uuid(),
  stepId: Name,
  attempt: z.number().int().positive(),
  error: z.string(),
});

export const StepRetryScheduled = z.object({
  workflowId: z.uuid(),
  stepId: Name,
  /** The attempt that will run. */
  attempt: z.number().int().min(2),
  delayMs: z.number().int().nonnegative(),
  dueAt: z.iso.datetime(),
  error: z.string(),
});

export const StepSkipped = z.object({ workflowId: z.uuid(), stepId: Name, reason: z.string() });
