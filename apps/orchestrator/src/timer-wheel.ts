import type { PayloadOf } from '@agentos/contracts';

export interface DueTimer {
  key: string;
  dueAt: number;
  timer: PayloadOf<'FireTimer'>;
  /** The run's conversation, so what the timer causes stays in it. */
  origin: { tenant: string; correlationId: string; traceparent?: string };
}

/**
 * Deadlines and retry back-offs of open runs. Kept in memory only: on a restart the orchestrator
 * rebuilds them from the runs' histories (each TaskQueued has its deadline, each
 * StepRetryScheduled its due time), so nothing needs its own durable storage.
 */
export class TimerWheel {
  private readonly timers = new Map<string, DueTimer>();
  private ticker?: NodeJS.Timeout;

  constructor(private readonly fire: (due: DueTimer) => Promise<void>, private readonly tickMs = 100) {}

  start(): void {
    this.ticker = setInterval(() => this.tick(), this.tickMs);
    this.ticker.unref();
  }

  stop(): void {
    clearInterval(this.ticker);
  }

  set(timer: Omit<DueTimer, 'key'>): void {
    const { kind, intentId, stepId, attempt } = timer.timer;
    const key = `${intentId}/${stepId}/${attempt}/${kind}`;
    this.timers.set(key, { ...timer, key });
  }

  /** Drops the timers of the runs chosen (one that settled, or every run of a partition handed on). */
  cancelRuns(chosen: (runId: string) => boolean): void {
    for (const [key, due] of this.timers) if (chosen(due.timer.intentId)) this.timers.delete(key);
  }

  get size(): number {
    return this.timers.size;
  }

  private tick(): void {
    const now = Date.now();
    for (const [key, due] of this.timers) {
      if (due.dueAt > now) continue;
      this.timers.delete(key);
      // A failed firing is retried on a later tick; deciding on it twice is harmless (idempotent).
      this.fire(due).catch(() => this.timers.set(key, { ...due, dueAt: Date.now() + 1_000 }));
    }
  }
}
