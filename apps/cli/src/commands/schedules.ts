import { CatchUp, createMessage, newId, type AnyMessage } from '@agentos/contracts';
import { parseWorkflowDocument } from '@agentos/workflow';
import { readFileSync } from 'node:fs';
import { follow, watchAll } from '../follow';
import type { Output } from '../output';
import type { Session } from '../session';
import { inputOf } from './run';

type ScheduleCommand = 'CreateSchedule' | 'PauseSchedule' | 'ResumeSchedule' | 'DeleteSchedule';
const DONE: Record<ScheduleCommand, string> = { CreateSchedule: 'ScheduleCreated', PauseSchedule: 'SchedulePaused', ResumeSchedule: 'ScheduleResumed', DeleteSchedule: 'ScheduleDeleted' };

const describe = (message: AnyMessage) => (message.type === 'ScheduleCommandRefused' ? `refused: ${(message.payload as { reason: string }).reason}` : `schedule ${(message.payload as { scheduleId: string }).scheduleId}`);

/** Sends a schedule command and waits for what came of it: exit 0 once done, 1 when refused (the reason is printed). */
async function send(session: Session, message: AnyMessage & { type: ScheduleCommand }, out: Output): Promise<number> {
  const watch = await watchAll(session);
  await session.client.publishMessage(message);
  const outcome = await follow(watch, message.correlationId, { settled: [DONE[message.type], 'ScheduleCommandRefused'], describe, timeoutSeconds: 30, what: `${message.type}` }, out);
  return outcome.type === 'ScheduleCommandRefused' ? 1 : 0;
}

export interface CreateOptions {
  cron: string;
  workflow: string;
  input: string[];
  inputFile?: string;
  catchUp: string;
}

/** Validates the workflow here (line-precise errors, nothing sent), then creates the schedule. */
export async function createSchedule(session: Session, options: CreateOptions, out: Output): Promise<number> {
  const definition = parseWorkflowDocument(readFileSync(options.workflow, 'utf8'), options.workflow);
  const scheduleId = newId();
  out.line(`schedule ${scheduleId}: ${definition.name} at "${options.cron}"`);
  out.data({ scheduleId });
  const payload = { scheduleId, cron: options.cron, definition, input: inputOf(options), catchUp: CatchUp.parse(options.catchUp) };
  return send(session, createMessage('CreateSchedule', payload, session.origin), out);
}

export function changeSchedule(session: Session, action: 'pause' | 'resume' | 'delete', scheduleId: string, out: Output): Promise<number> {
  const type = ({ pause: 'PauseSchedule', resume: 'ResumeSchedule', delete: 'DeleteSchedule' } as const)[action];
  return send(session, createMessage(type, { scheduleId }, session.origin), out);
}

export async function listSchedules(session: Session, out: Output): Promise<number> {
  const { schedules } = await session.client.query(createMessage('ListSchedules', {}, session.origin));
  out.data(schedules);
  if (schedules.length === 0) out.line('no schedules');
  for (const s of schedules) out.line(`${s.scheduleId}  ${s.name.padEnd(24)} ${s.cron.padEnd(16)} ${s.status.padEnd(7)} catch-up=${s.catchUp} last=${s.lastTickAt ?? '-'}`);
  return 0;
}

