import { defineAgent, type AgentDefinition } from '@agentos/agent-sdk';
import { type Envelope, type MessageOf } from '@agentos/contracts';
import { scheduleStream } from '@agentos/orchestration';
import { startService } from '@agentos/service-host';
import { waitFor } from '@agentos/testing';
import type { INestMicroservice } from '@nestjs/common';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { z } from 'zod';
import { orchestratorService } from '../apps/orchestrator/src/orchestrator.module';
import { cliRunner } from './cli-runner';
import { startSystem, type RunningSystem } from './system';

const work = mkdtempSync(join(tmpdir(), 'agentos-schedules-'));
const EFFECTS = join(work, 'effects.log');
const WORKFLOW = join(work, 'tick.yaml');
writeFileSync(WORKFLOW, 'name: every-second\nsteps:\n  - { id: tick, capability: sc-tick, input: {} }\n');

/** Records which run called it: each scheduled run must call it exactly once. */
const ticker = defineAgent({
  name: 'sc-ticker',
  version: '1.0.0',
  owner: 'test-team',
  capabilities: ['sc-tick'],
  concurrency: 8,
  input: z.object({}),
  async handle(_, ctx) {
    appendFileSync(EFFECTS, `${ctx.task.intentId}\n`);
    return { ran: true };
  },
});

describe('schedules, against a real nats-server with two orchestrator replicas', () => {
  let system: RunningSystem;
  let first: INestMicroservice;
  let second: INestMicroservice;
  const agentos = cliRunner(() => ({ NATS_URL: system.nats.url, AGENTOS_TENANT: 'acme', AGENTOS_USER: 'oncall', AGENTOS_CONFIG: join(work, 'none.json') }));
  // Two replicas under their own names, as two pods: both tick (a tick is recorded once, by whichever replica records
  // it first) and each decides the runs of its partitions.
  const replica = (name: string) =>
    startService(orchestratorService, {
      env: { NATS_URL: system.nats.url, AGENTOS_OBSERVABILITY_PORT: '0', AGENTOS_INSTANCE_ID: name, AGENTOS_LEASE_MS: '3000' },
      log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }).child({ replica: name }),
      handleSignals: false,
    });
  const fired = async (scheduleId: string) =>
    (await system.store.readStream(scheduleStream(scheduleId))).map((r) => r.event).filter((e): e is MessageOf<'ScheduleFired'> => e.type === 'ScheduleFired');

  beforeAll(async () => {
    system = await startSystem([ticker] as AgentDefinition<never, unknown>[], { without: ['orchestrator'] });
    first = await replica('orchestrator-a');
    second = await replica('orchestrator-b');
  }, 60_000);

  afterAll(async () => {
    await second.close();
    await system.stop();
  });

  it('fires a schedule once per tick while one of two replicas stops and the other takes its partitions over; only ticks due during the handover are skipped; each tick starts one run', async () => {
    const created = await agentos('schedule', 'create', '--cron', '* * * * * *', '--workflow', WORKFLOW);
    expect(created).toMatchObject({ code: 0, stdout: expect.stringContaining('ScheduleCreated') });
    const scheduleId = /schedule ([\da-f-]{36})/.exec(created.stdout)![1];
    expect((await agentos('schedule', 'ls')).stdout).toMatch(new RegExp(`${scheduleId}\\s+every-second\\s+\\* \\* \\* \\* \\* \\*\\s+active`));
    await waitFor(() => fired(scheduleId), (ticks) => ticks.length >= 5, { timeoutMs: 30_000, what: 'five ticks' });
    // One replica stops (as a rolling update stops a pod), handing its partitions on to the other.
    const handoverFrom = Date.now();
    await first.close();
    const handoverTo = Date.now();
    await waitFor(() => fired(scheduleId), (ticks) => ticks.filter((t) => Date.parse(t.payload.tickAt) > handoverTo).length >= 5, { timeoutMs: 30_000, what: 'five ticks after the handover' });
    expect(await agentos('schedule', 'delete', scheduleId)).toMatchObject({ code: 0 });
    const ticks = await fired(scheduleId);
    const seconds = ticks.map((t) => Date.parse(t.payload.tickAt) / 1000);
    // Once per tick: no tick twice, in order, each its own run.
    expect(new Set(seconds).size).toBe(ticks.length);
    expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
    // None skipped but those that fell due during the handover (catch-up `skip`): every second missing
    // between two fired ticks lies within the handover, give or take the tick in progress.
    const missing = seconds.slice(1).flatMap((s, i) => Array.from({ length: s - seconds[i] - 1 }, (_, k) => seconds[i] + k + 1));
    expect(missing.filter((s) => s * 1000 < handoverFrom - 1_000 || s * 1000 > handoverTo + 1_000)).toEqual([]);
    expect(new Set(ticks.map((t) => t.payload.workflowId)).size).toBe(ticks.length);
    // Each tick started its run once.
    for (const { payload } of ticks) {
      const run = await system.recorded(payload.workflowId, (e) => e.type === 'WorkflowStarted', `run of tick ${payload.tickAt}`);
      expect(run.filter((e: Envelope) => e.type === 'WorkflowStarted').map((e) => e.payload)).toEqual([expect.objectContaining({ scheduled: { scheduleId, tickAt: payload.tickAt } })]);
    }
    const calls = (existsSync(EFFECTS) ? readFileSync(EFFECTS, 'utf8').trim().split('\n') : []).filter((id) => ticks.some((t) => t.payload.workflowId === id));
    expect(calls.length).toBeGreaterThan(0);
    expect(new Set(calls).size).toBe(calls.length);
    // Deleted: no more ticks, and commands on it are refused.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await fired(scheduleId)).length).toBe(ticks.length);
    expect(await agentos('schedule', 'pause', scheduleId)).toMatchObject({ code: 1, stdout: expect.stringContaining(`refused: schedule ${scheduleId} was deleted`) });
  }, 120_000);
});
