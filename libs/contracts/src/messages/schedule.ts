import { z } from 'zod';
import { ClientInput } from '../limits';
import { JsonObject } from './shared';
import { WorkflowDefinition } from './workflow';

/**
 * Recurring runs: a schedule starts a run of its workflow at each tick of its cron expression (five fields, or six
 * with seconds first; UTC). The orchestrator records each schedule's decisions in its own history; a tick is
 * fired once, whichever orchestrator replica sees it first, and the run it starts has an id derived from the
 * schedule and the tick, so a tick can never start two runs.
 */

/** What to do with ticks missed while no orchestrator ran: skip them, or start one run for all of them. */
export const CatchUp = z.enum(['skip', 'run-once']);

export const CreateSchedule = z.object({
  scheduleId: z.uuid(),
  cron: z.string().min(1).max(200),
  definition: WorkflowDefinition,
  input: ClientInput.default({}),
  catchUp: CatchUp.default('skip'),
});
export const PauseSchedule = z.object({ scheduleId: z.uuid() });
export const ResumeSchedule = z.object({ scheduleId: z.uuid() });
export const DeleteSchedule = z.object({ scheduleId: z.uuid() });
/** Made by an orchestrator's own ticker (never sent on the bus): see whether a tick of the schedule is due. */
export const TickSchedule = z.object({ scheduleId: z.uuid() });

export const ScheduleCreated = z.object({
  scheduleId: z.uuid(),
  cron: z.string(),
  definition: WorkflowDefinition,
  input: JsonObject,
  catchUp: CatchUp,
  createdBy: z.string(),
  /** Whose the runs are (policy checks them as this actor's). */
  owner: z.string(),
});
export const SchedulePaused = z.object({ scheduleId: z.uuid(), by: z.string() });
export const ScheduleResumed = z.object({ scheduleId: z.uuid(), by: z.string() });
export const ScheduleDeleted = z.object({ scheduleId: z.uuid(), by: z.string() });

/** A tick fired: the run it starts (`workflowId`), and how many earlier ticks were missed and folded into it. */
export const ScheduleFired = z.object({
  scheduleId: z.uuid(),
  tickAt: z.iso.datetime(),
  workflowId: z.uuid(),
  missed: z.number().int().nonnegative(),
  definition: WorkflowDefinition,
  input: JsonObject,
  owner: z.string(),
});
/** Ticks missed while no orchestrator ran, skipped (catch-up `skip`). */
export const ScheduleTicksSkipped = z.object({ scheduleId: z.uuid(), upTo: z.iso.datetime(), missed: z.number().int().positive() });
export const ScheduleCommandRefused = z.object({ scheduleId: z.uuid(), command: z.string(), refusedFor: z.string(), reason: z.string() });

export const ListSchedules = z.object({});
export const ScheduleList = z.object({
  schedules: z.array(
    z.object({ scheduleId: z.uuid(), name: z.string(), cron: z.string(), status: z.enum(['active', 'paused']), catchUp: CatchUp, tenant: z.string(), lastTickAt: z.string().optional() }),
  ),
});
