export type BreakerState = 'closed' | 'open' | 'half-open';
export type TaskOutcome = 'succeeded' | 'failed';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit rejects work before it lets one probe through. */
  cooldownMs: number;
}

export const DEFAULT_BREAKER_OPTIONS: Readonly<BreakerOptions> = { failureThreshold: 3, cooldownMs: 5_000 };

/** Fills in the defaults and rejects nonsense early (at configuration time, not at the first failure). */
export function resolveBreakerOptions(options: Partial<BreakerOptions> = {}): BreakerOptions {
  const failureThreshold = options.failureThreshold ?? DEFAULT_BREAKER_OPTIONS.failureThreshold;
  const cooldownMs = options.cooldownMs ?? DEFAULT_BREAKER_OPTIONS.cooldownMs;
  if (!Number.isInteger(failureThreshold) || failureThreshold < 1) throw new RangeError(`failureThreshold must be an integer ≥ 1, got ${failureThreshold}`);
  if (!Number.isFinite(cooldownMs) || cooldownMs < 0) throw new RangeError(`cooldownMs must be a finite number ≥ 0, got ${cooldownMs}`);
  return { failureThreshold, cooldownMs };
}

/** Returned whenever a breaker changes state, so the orchestrator can publish it. */
export interface BreakerTransition {
  instanceId: string;
  from: BreakerState;
  to: BreakerState;
  at: number;
  consecutiveFailures: number;
}

/**
 * Circuit breaker of one agent instance. Pure: the clock is passed in, so tests and replays are
 * deterministic.
 *
 * closed --(failureThreshold consecutive failures)--> open --(cooldownMs)--> half-open
 * half-open --(probe succeeds)--> closed;  half-open --(probe fails)--> open (new openedAt).
 *
 * Which outcome counts as "the probe" is the caller's business: in half-open, the next outcome
 * recorded is taken as the probe's. The Scheduler only records the probe's own outcome there.
 */
export class CircuitBreaker {
  readonly options: Readonly<BreakerOptions>;
  private current: BreakerState = 'closed';
  private failures = 0;
  private opened: number | undefined;

  constructor(
    readonly instanceId: string,
    options: Partial<BreakerOptions> = {},
  ) {
    this.options = resolveBreakerOptions(options);
  }

  get state(): BreakerState {
    return this.current;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** When the circuit last opened; undefined if it never did. */
  get openedAt(): number | undefined {
    return this.opened;
  }

  /** Time passing: an open circuit becomes half-open once cooldownMs have elapsed since it opened. */
  tick(now: number): BreakerTransition | undefined {
    if (this.current === 'open' && this.opened !== undefined && now - this.opened >= this.options.cooldownMs) return this.move('half-open', now);
    return undefined;
  }

  /** Feeds one task outcome; returns the transition it caused, if any. */
  record(outcome: TaskOutcome, now: number): BreakerTransition | undefined {
    if (outcome === 'succeeded') {
      // While open, a late success (of work sent before it opened) proves nothing: the cooldown decides.
      if (this.current === 'open') return undefined;
      this.failures = 0;
      return this.current === 'half-open' ? this.move('closed', now) : undefined;
    }
    this.failures += 1;
    if (this.current === 'half-open' || (this.current === 'closed' && this.failures >= this.options.failureThreshold)) {
      this.opened = now;
      return this.move('open', now);
    }
    return undefined;
  }

  private move(to: BreakerState, at: number): BreakerTransition {
    const from = this.current;
    this.current = to;
    return { instanceId: this.instanceId, from, to, at, consecutiveFailures: this.failures };
  }
}
