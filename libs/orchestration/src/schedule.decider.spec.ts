import { causedBy, deriveId, type Envelope, type MessageOf, type PayloadInput } from '@agentos/contracts';
import { fold } from '@agentos/decider';
import { scheduleDecider, scheduleRefusal, type ScheduleInput } from './schedule.decider';
import { alice, iso, message, orchestrator, workflow } from './test-fixtures';

const scheduleId = deriveId('spec', 'schedule');
const definition = workflow('name: nightly', 'steps:', '  - { id: a, capability: report, input: {} }');
const create = (catchUp: 'skip' | 'run-once' = 'skip', cron = '*/10 * * * * *'): ScheduleInput => ({ kind: 'command', message: message('CreateSchedule', { scheduleId, cron, definition, catchUp }, 0, alice) });
const tick = (ms: number): ScheduleInput => ({ kind: 'tick', message: message('TickSchedule', { scheduleId }, ms, orchestrator, 'system') });
const change = (type: 'PauseSchedule' | 'ResumeSchedule' | 'DeleteSchedule', ms: number, tenant = 'acme'): ScheduleInput => ({ kind: 'command', message: message(type, { scheduleId }, ms, alice, tenant) });

/** Decides each input on the history so far, as runDecision does (decisions stamped with their cause's time). */
function given(...inputs: ScheduleInput[]): Envelope[] {
  const history: Envelope[] = [];
  for (const input of inputs) {
    const decisions = scheduleDecider.decide(input, fold(scheduleDecider, history));
    history.push(...decisions.map((d, i) => ({ ...causedBy(input.message, d.type, d.payload as PayloadInput<typeof d.type>, orchestrator, String(i)), occurredAt: input.message.occurredAt, tenant: 'acme' })));
  }
  return history;
}
const when = (history: Envelope[], input: ScheduleInput) => scheduleDecider.decide(input, fold(scheduleDecider, history));
const fired = (tickMs: number, missed = 0) => ({
  type: 'ScheduleFired',
  payload: { scheduleId, tickAt: iso(tickMs), workflowId: deriveId(scheduleId, 'tick', iso(tickMs)), missed, definition, input: {}, owner: 'alice' },
});

describe('schedule decider', () => {
  it('given a schedule, when a tick comes due, then it fires once, with a run id derived from the tick; seen again (another replica), nothing', () => {
    const created = given(create());
    expect(when(created, tick(9_000))).toEqual([]);
    expect(when(created, tick(10_200))).toEqual([fired(10_000)]);
    expect(when(given(create(), tick(10_200)), tick(10_400))).toEqual([]);
    expect(when(given(create(), tick(10_200)), tick(20_100))).toEqual([fired(20_000)]);
  });

  it('given ticks missed while no orchestrator ran, then skip skips them and run-once starts one run for them all', () => {
    // Down from 0 s to 65 s: ticks 10..60 s missed (the 60 s one is 5 s old).
    expect(when(given(create('skip')), tick(65_100))).toEqual([{ type: 'ScheduleTicksSkipped', payload: { scheduleId, upTo: iso(60_000), missed: 6 } }]);
    expect(when(given(create('run-once')), tick(65_100))).toEqual([fired(60_000, 5)]);
    // A tick still fresh fires either way; older ones are counted as missed.
    expect(when(given(create('skip')), tick(62_000))).toEqual([fired(60_000, 5)]);
  });

  it('given a paused schedule, then nothing fires; resumed, ticks while paused are not owed', () => {
    const paused = given(create(), change('PauseSchedule', 5_000));
    expect(when(paused, tick(30_100))).toEqual([]);
    const resumed = given(create(), change('PauseSchedule', 5_000), change('ResumeSchedule', 35_000));
    expect(when(resumed, tick(35_500))).toEqual([]);
    expect(when(resumed, tick(40_100))).toEqual([fired(40_000)]);
  });

  it('refuses what the schedule state does not allow, an invalid cron, and commands from another tenant or for no schedule', () => {
    const refused = (command: string, reason: string) => [{ type: 'ScheduleCommandRefused', payload: { scheduleId, command, refusedFor: 'user:alice', reason } }];
    expect(when(given(create()), change('ResumeSchedule', 1_000))).toEqual(refused('ResumeSchedule', 'the schedule is not paused'));
    expect(when(given(create(), change('DeleteSchedule', 1_000)), change('PauseSchedule', 2_000))).toEqual(refused('PauseSchedule', `schedule ${scheduleId} was deleted`));
    expect(when(given(create(), change('DeleteSchedule', 1_000)), tick(20_000))).toEqual([]);
    expect(when([], create('skip', 'every hour'))[0]).toMatchObject({ type: 'ScheduleCommandRefused', payload: { reason: expect.stringMatching(/^invalid cron expression "every hour"/) } });
    const state = fold(scheduleDecider, given(create()));
    expect(scheduleRefusal(change('PauseSchedule', 1_000, 'globex'), state)).toBe(`PauseSchedule for schedule ${scheduleId} from tenant globex, but it belongs to another tenant`);
    expect(scheduleRefusal(change('PauseSchedule', 1_000), scheduleDecider.initialState)).toBe(`PauseSchedule for schedule ${scheduleId}: no such schedule`);
    expect((given(create()) as MessageOf<'ScheduleCreated'>[])[0].payload).toMatchObject({ createdBy: 'user:alice', owner: 'alice', catchUp: 'skip' });
  });
});
