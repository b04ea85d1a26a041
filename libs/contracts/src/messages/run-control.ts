import { z } from 'zod';
import { ClientInput } from '../limits';
import { ContentLabels } from './labels';
import { BundleVersion, JsonObject, Name, SemVer } from './shared';
import { Priority, WorkflowDefinition } from './workflow';

/**
 * Commands an operator sends to a run that is under way or finished, and the facts the orchestrator records
 * for them in the run's history. Who sent a command is the envelope's actor (authenticated by the broker),
 * never a payload field; a command may act only on runs of its sender's tenant (the platform's: any tenant).
 */

const Reason = z.string().min(1).max(2_000);

/** Which runs a pause or resume covers: one run, every open run of a workflow name, or every open run of the tenant. */
export const RunSelector = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('run'), runId: z.uuid() }),
  z.object({ kind: z.literal('workflow'), name: Name }),
  /** The tenant is the command's own (its envelope's, which the broker authenticated). */
  z.object({ kind: z.literal('tenant') }),
]);
export type RunSelector = z.infer<typeof RunSelector>;

export const CancelRun = z.object({ runId: z.uuid(), reason: Reason });
export const PauseRuns = z.object({ select: RunSelector, reason: Reason });
export const ResumeRuns = z.object({ select: RunSelector, reason: Reason.optional() });
/** Runs a failed run again from the steps that did not complete; completed steps keep their outputs. */
export const RetryRun = z.object({ runId: z.uuid(), reason: Reason.optional() });

/**
 * A cancellation was decided: the run's running tasks are aborted (agents follow this fact), and the
 * compensations named run before the run ends with RunCancelled.
 */
export const RunCancellationStarted = z.object({ runId: z.uuid(), cancelledBy: z.string(), reason: z.string(), compensations: z.array(Name) });
export const RunCancelled = z.object({ runId: z.uuid(), cancelledBy: z.string(), reason: z.string(), compensatedBy: z.array(Name) });

/** No step of the run starts until it is resumed; steps already running finish. */
export const RunPaused = z.object({ runId: z.uuid(), pausedBy: z.string(), reason: z.string() });
export const RunResumed = z.object({ runId: z.uuid(), resumedBy: z.string(), reason: z.string().optional(), pausedMs: z.number().int().nonnegative() });

/** The steps that run again (the failed one and those that had not completed). */
export const RunRetried = z.object({ runId: z.uuid(), retriedBy: z.string(), reason: z.string().optional(), steps: z.array(Name) });

/** One agent at one version: the steps a fork runs again that this agent serves are pinned to it. */
export const AgentPin = z.object({ name: Name, version: SemVer });

/**
 * A new run from a past point of a finished run: the steps before `toStep` keep their recorded outputs, it and the
 * rest run again; with `agent`, those it serves (by name or capability) run on that version of it; with `policyBundle`,
 * the new run is decided only under that policy bundle version (denied while another is in force).
 */
export const ResetRun = z.object({ runId: z.uuid(), toStep: Name, newRunId: z.uuid(), reason: Reason.optional(), agent: AgentPin.optional(), policyBundle: BundleVersion.optional() });

/**
 * Recorded in the parent run: the fork it led to, with all the new run starts from (so the new run's first
 * decision needs no look-up, and replays from this record).
 */
export const RunForked = z.object({
  runId: z.uuid(),
  newRunId: z.uuid(),
  fromStep: Name,
  forkedBy: z.string(),
  /** Who the new run's steps are checked as by policy (the forker's actor id). */
  owner: z.string(),
  reason: z.string().optional(),
  definition: WorkflowDefinition,
  input: JsonObject,
  priority: Priority,
  /** The recorded outputs of the steps the new run does not run again. */
  reused: z.record(z.string(), z.unknown()),
  /** The labels recorded with those outputs (information-flow control): a reused output is as trusted as it was. */
  reusedLabels: z.record(z.string(), ContentLabels).optional(),
  /** The agent version the steps run again are pinned to (in `definition`), when the reset named one. */
  agent: AgentPin.optional(),
  /** The policy bundle version the new run is pinned to, when the reset named one. */
  policyBundle: BundleVersion.optional(),
});

/** Recorded in the forked run: a step it did not run, with the output its parent recorded. */
export const StepReused = z.object({ workflowId: z.uuid(), stepId: Name, fromRun: z.uuid(), output: z.unknown(), labels: ContentLabels.optional() });

/** Data for the run's wait step of this signal name (human-in-the-loop input); refused when no step waits for it. */
export const SignalRun = z.object({ runId: z.uuid(), name: Name, data: ClientInput.default({}) });

/** A wait step became ready: it completes with the data of a signal of that name, or fails at its deadline. */
export const SignalWaitStarted = z.object({
  workflowId: z.uuid(),
  stepId: Name,
  signal: Name,
  attempt: z.number().int().positive(),
  /** Stands for the task an agent step would have: the wait's StepCompleted names it, its deadline timer too. */
  waitId: z.uuid(),
  deadline: z.iso.datetime(),
});

/** The signal a wait step waited for, and who sent it; the step completes with its data. */
export const SignalReceived = z.object({ runId: z.uuid(), stepId: Name, signal: Name, sentBy: z.string(), data: z.record(z.string(), z.unknown()) });

/** A command the run's state does not allow (resume a run that is not paused, retry one that did not fail): nothing changed. */
export const RunCommandRefused = z.object({ runId: z.uuid(), command: z.string(), refusedFor: z.string(), reason: z.string() });
