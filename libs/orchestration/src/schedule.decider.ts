import { deriveId, EVENT_STREAMS, SYSTEM_TENANT, type Envelope, type MessageOf, type PayloadOf, type WorkflowDefinition } from '@agentos/contracts';
import { decision, type Decider, type Decision } from '@agentos/decider';
import { CronExpressionParser } from 'cron-parser';

/** A tick older than this when first seen was missed (no orchestrator ran then): its schedule's catch-up applies. */
export const MISSED_AFTER_MS = 5_000;
/** At most this many missed ticks are counted back (a schedule every second, down for a day). */
const MAX_TICKS_COUNTED = 10_000;

export type ScheduleInput =
  | { kind: 'command'; message: MessageOf<'CreateSchedule'> | MessageOf<'PauseSchedule'> | MessageOf<'ResumeSchedule'> | MessageOf<'DeleteSchedule'> }
  | { kind: 'tick'; message: MessageOf<'TickSchedule'> };

export interface ScheduleState {
  status: 'new' | 'active' | 'paused' | 'deleted';
  scheduleId?: string;
  tenant?: string;
  cron?: string;
  definition?: WorkflowDefinition;
  input: Record<string, unknown>;
  catchUp?: PayloadOf<'CreateSchedule'>['catchUp'];
  owner?: string;
  /** The last tick fired or skipped; ticks after it are due (from the schedule's creation on). */
  lastTickAt?: string;
}

/** The event-store stream of a schedule. */
export const scheduleStream = EVENT_STREAMS.schedule;

const sender = (message: Envelope) => `${message.actor.kind}:${message.actor.id}`;

/** Why a cron expression cannot be used, or undefined. */
export function cronProblem(cron: string): string | undefined {
  try {
    CronExpressionParser.parse(cron, { tz: 'UTC' });
    return undefined;
  } catch (error) {
    return `invalid cron expression "${cron}": ${(error as Error).message}`;
  }
}

/** The ticks of `cron` after `after` up to `until` (inclusive), oldest first, at most MAX_TICKS_COUNTED. */
export function ticksBetween(cron: string, after: number, until: number): number[] {
  const ticks = CronExpressionParser.parse(cron, { tz: 'UTC', currentDate: new Date(after), endDate: new Date(until + 1) });
  const due: number[] = [];
  while (ticks.hasNext() && due.length < MAX_TICKS_COUNTED) {
    const tick = ticks.next().getTime();
    if (tick > until) break;
    due.push(tick);
  }
  return due;
}

export function evolveSchedule(state: ScheduleState, event: Pick<Envelope, 'type' | 'payload'> & Partial<Envelope>): ScheduleState {
  switch (event.type) {
    case 'ScheduleCreated': {
      const { scheduleId, cron, definition, input, catchUp, owner } = (event as MessageOf<'ScheduleCreated'>).payload;
      return { ...state, status: 'active', scheduleId, cron, definition, input, catchUp, owner, tenant: event.tenant, lastTickAt: event.occurredAt };
    }
    case 'SchedulePaused':
      return { ...state, status: 'paused' };
    case 'ScheduleResumed':
      // Ticks while paused are not owed: counting starts again now.
      return { ...state, status: 'active', lastTickAt: event.occurredAt };
    case 'ScheduleDeleted':
      return { ...state, status: 'deleted' };
    case 'ScheduleFired':
      return { ...state, lastTickAt: (event as MessageOf<'ScheduleFired'>).payload.tickAt };
    case 'ScheduleTicksSkipped':
      return { ...state, lastTickAt: (event as MessageOf<'ScheduleTicksSkipped'>).payload.upTo };
    default:
      return state;
  }
}

function command(input: Extract<ScheduleInput, { kind: 'command' }>, state: ScheduleState): Decision[] {
  const { message } = input;
  const { scheduleId } = message.payload;
  const refused = (reason: string) => [decision('ScheduleCommandRefused', { scheduleId, command: message.type, refusedFor: sender(message), reason })];
  if (message.type === 'CreateSchedule') {
    if (state.status !== 'new') return []; // the same create again
    const { cron, definition, input: runInput, catchUp } = message.payload;
    const problem = cronProblem(cron);
    if (problem) return refused(problem);
    return [decision('ScheduleCreated', { scheduleId, cron, definition, input: runInput, catchUp, createdBy: sender(message), owner: message.actor.id })];
  }
  if (state.status === 'deleted') return refused(`schedule ${scheduleId} was deleted`);
  const by = sender(message);
  switch (message.type) {
    case 'PauseSchedule':
      return state.status === 'paused' ? refused('the schedule is already paused') : [decision('SchedulePaused', { scheduleId, by })];
    case 'ResumeSchedule':
      return state.status !== 'paused' ? refused('the schedule is not paused') : [decision('ScheduleResumed', { scheduleId, by })];
    case 'DeleteSchedule':
      return [decision('ScheduleDeleted', { scheduleId, by })];
  }
}

/**
 * A tick is due: the newest tick since the last one fires, with an id derived from the schedule and the tick (so
 * one tick is one run, whichever replica fires it). Ticks missed while no orchestrator ran are skipped or folded
 * into one run, as the schedule's catch-up says.
 */
function tick(input: Extract<ScheduleInput, { kind: 'tick' }>, state: ScheduleState): Decision[] {
  if (state.status !== 'active') return [];
  const now = Date.parse(input.message.occurredAt);
  const due = ticksBetween(state.cron!, Date.parse(state.lastTickAt!), now);
  if (due.length === 0) return [];
  const latest = due.at(-1)!;
  const scheduleId = state.scheduleId!;
  const missed = due.filter((t) => now - t > MISSED_AFTER_MS).length;
  const tickAt = new Date(latest).toISOString();
  const fire = (folded: number) => decision('ScheduleFired', { scheduleId, tickAt, workflowId: deriveId(scheduleId, 'tick', tickAt), missed: folded, definition: state.definition!, input: state.input, owner: state.owner! });
  if (now - latest <= MISSED_AFTER_MS) return [fire(missed)];
  return state.catchUp === 'run-once' ? [fire(missed - 1)] : [decision('ScheduleTicksSkipped', { scheduleId, upTo: tickAt, missed })];
}

/** Who may act on a schedule: its tenant's principals (the platform: any), and only on one that exists. */
export function scheduleRefusal(input: ScheduleInput, state: ScheduleState): string | undefined {
  if (input.kind === 'tick' || input.message.type === 'CreateSchedule') return undefined;
  const { scheduleId } = input.message.payload;
  if (state.status === 'new') return `${input.message.type} for schedule ${scheduleId}: no such schedule`;
  if (input.message.tenant !== state.tenant && input.message.tenant !== SYSTEM_TENANT) return `${input.message.type} for schedule ${scheduleId} from tenant ${input.message.tenant}, but it belongs to another tenant`;
  return undefined;
}

export const scheduleDecider: Decider<ScheduleInput, ScheduleState> = {
  name: 'schedule',
  initialState: { status: 'new', input: {} },
  decide: (input, state) => (input.kind === 'tick' ? tick(input, state) : command(input, state)),
  evolve: evolveSchedule,
};
