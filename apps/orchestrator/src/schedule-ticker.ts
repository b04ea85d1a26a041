import { createMessage, SYSTEM_TENANT, type AnyMessage, type Envelope, type MessageOf, type ReplyOf } from '@agentos/contracts';
import { fold, runDecision } from '@agentos/decider';
import { EVENT_STORE, WrongExpectedRevisionError, type EventStore } from '@agentos/event-store';
import { JetStreamClientProxy, KeyedSerial, RefusedMessage, listKeys, type NatsConnector } from '@agentos/messaging';
import { scheduleDecider, scheduleRefusal, scheduleStream, type ScheduleInput, type ScheduleState } from '@agentos/orchestration';
import { ServiceContext } from '@agentos/service-host';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { KV } from 'nats';
import type { OrchestratorSettings } from './orchestrator.settings';

const BUCKET = 'agentos_schedules';
/** How often each replica looks for due ticks: well under a second, the finest cron step. */
const TICK_EVERY_MS = 250;

export type ScheduleCommand = MessageOf<'CreateSchedule'> | MessageOf<'PauseSchedule'> | MessageOf<'ResumeSchedule'> | MessageOf<'DeleteSchedule'>;

/**
 * Schedules: their commands are decided like a run's (load, decide, append, publish, in the schedule's own
 * history), and every orchestrator replica ticks every schedule not deleted. Replicas race to record a tick; the
 * event store's expected revision lets one win, and the loser then finds the tick taken. The run a tick starts is
 * started from the recorded ScheduleFired (a durable consumer), with an id derived from the schedule and the tick.
 */
@Injectable()
export class ScheduleTicker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly actor;
  private readonly perSchedule = new KeyedSerial();
  private ticker?: NodeJS.Timeout;
  private ticking = false;

  constructor(
    private readonly bus: JetStreamClientProxy,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly service: ServiceContext<OrchestratorSettings>,
  ) {
    this.actor = { kind: 'service' as const, id: service.name };
  }

  onApplicationBootstrap(): void {
    this.ticker = setInterval(() => void this.tickAll(), TICK_EVERY_MS);
    this.ticker.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.ticker);
  }

  command(message: ScheduleCommand): Promise<Envelope[]> {
    return this.decide(message.payload.scheduleId, message, { kind: 'command', message });
  }

  /** The schedules the asker's tenant may see (the platform: all). */
  async list(query: MessageOf<'ListSchedules'>): Promise<ReplyOf<'ListSchedules'>> {
    const schedules: ReplyOf<'ListSchedules'>['schedules'] = [];
    for (const id of await listKeys(await this.kv())) {
      const state = await this.state(id);
      if ((state.status !== 'active' && state.status !== 'paused') || (query.tenant !== SYSTEM_TENANT && state.tenant !== query.tenant)) continue;
      schedules.push({ scheduleId: id, name: state.definition!.name, cron: state.cron!, status: state.status, catchUp: state.catchUp!, tenant: state.tenant!, ...(state.lastTickAt ? { lastTickAt: state.lastTickAt } : {}) });
    }
    return { schedules };
  }

  private kv(): Promise<KV> {
    return this.bus.unwrap<NatsConnector>().kv(BUCKET);
  }

  private async state(scheduleId: string): Promise<ScheduleState> {
    return fold(scheduleDecider, (await this.store.readStream(scheduleStream(scheduleId))).map((r) => r.event));
  }

  private decide(scheduleId: string, cause: AnyMessage, input: ScheduleInput): Promise<Envelope[]> {
    const screened = async (state: ScheduleState) => {
      const refusal = scheduleRefusal(input, state);
      if (refusal) throw new RefusedMessage(refusal);
      return input;
    };
    return this.perSchedule.run(scheduleId, async () => {
      const events = await runDecision({ store: this.store, publish: (m) => this.bus.publishAll(m), stream: scheduleStream(scheduleId), decider: scheduleDecider, cause, input: screened, actor: this.actor });
      for (const event of events) {
        if (event.type === 'ScheduleCreated') await (await this.kv()).put(scheduleId, '');
        if (event.type === 'ScheduleDeleted') await (await this.kv()).delete(scheduleId);
      }
      if (events.length > 0) this.service.log.info({ scheduleId, cause: cause.type, decided: events.map((e) => e.type) }, 'schedule decision');
      return events;
    });
  }

  private async tickAll(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const scheduleId of await listKeys(await this.kv())) {
        const message = createMessage('TickSchedule', { scheduleId }, { tenant: SYSTEM_TENANT, actor: this.actor });
        await this.decide(scheduleId, message, { kind: 'tick', message }).catch((error: Error) => {
          // Another replica recorded this tick first: it is taken, nothing to do.
          if (!(error instanceof WrongExpectedRevisionError)) this.service.log.warn({ err: error, scheduleId }, 'schedule tick failed; tried again at the next pass');
        });
      }
    } catch (error) {
      this.service.log.warn({ err: error }, 'schedules not listed; tried again at the next pass');
    } finally {
      this.ticking = false;
    }
  }
}
