import type { BucketName, ContentLabel, RecordedCall } from '@agentos/contracts';
import { isCompareAndSetRace, persistently, type Log } from '@agentos/messaging';
import type { KV } from 'nats';
import { setTimeout as sleep } from 'node:timers/promises';
import { idempotencyKeyOf } from './define-agent';
import { InfrastructureError } from './infrastructure';

/** One KV bucket for every agent; keys are `<agent>.<run>.<step>`, so NATS users can be held to their own agent's keys. */
export const STEP_LEDGER_BUCKET: BucketName = 'agentos_step_ledger';

/** What an attempt came to, kept so that no other delivery or attempt runs the agent's code again. */
export type StepOutcome =
  // durationMs: absent in outcomes settled before TaskCompleted version 2.
  | { type: 'TaskCompleted'; output: unknown; calls: RecordedCall[]; labels?: ContentLabel[]; durationMs?: number }
  | { type: 'TaskFailed'; error: string; retryable: boolean; calls: RecordedCall[]; labels?: ContentLabel[] };

type LedgerEntry = { attempt: number; owner: string } & ({ state: 'running' } | { state: 'settled'; outcome: StepOutcome });

export interface StepKey {
  agent: string;
  intentId: string;
  stepId: string;
  attempt: number;
}

/** The right to run the step now: refreshed while held, so others can tell a live holder from a dead one. */
export interface StepLease {
  /** Records the outcome (before it is published: a crash in between leaves it for the next delivery to re-publish). */
  settle(outcome: StepOutcome): Promise<void>;
  /** Stops refreshing (after settle, or when the run ended without an outcome). */
  release(): void;
  /**
   * Gives the step back before its code ran (NATS was away): the entry is removed if still this holder's,
   * so the task's redelivery claims it at once. Should NATS not take the removal, the redelivery waits for
   * the lease to go stale instead.
   */
  abandon(): Promise<void>;
}

export type StepClaim = { kind: 'run'; lease: StepLease } | { kind: 'settled'; outcome: StepOutcome };

export interface StepLedgerOptions {
  /** The holder of a step: instance id plus a per-process nonce (a restarted instance is another holder). */
  owner: string;
  /** A holder whose entry has not changed for this long is taken for dead and its step taken over. */
  leaseMs: number;
  log: Log;
  /** Transient NATS errors are retried until this long has passed; then claim throws. */
  giveUpAfterMs?: number;
}

/**
 * Effectively-once steps across redeliveries, re-queued tasks and later attempts. Before an agent runs
 * a step it claims `<agent>.<run>.<step>` in a KV bucket by compare-and-set. Whoever finds the step
 * settled re-publishes that outcome instead of running the code; whoever finds it running waits for
 * the holder, and takes over only when the holder's lease stopped being refreshed (it died: then the
 * code may run twice, which is why agents with outside effects should also pass `ctx.idempotencyKey`
 * on to the systems they change). A failed attempt does not block a later one.
 *
 * Liveness is judged by watching the entry's revision on the local clock, not by timestamps, so
 * clock skew between hosts does not matter.
 */
export class StepLedger {
  constructor(
    private readonly bucket: () => Promise<KV>,
    private readonly options: StepLedgerOptions,
  ) {}

  /** `signal`: the instance is stopping; a claim still waiting rejects at once (its task goes back to NATS). */
  async claim(step: StepKey, signal?: AbortSignal): Promise<StepClaim> {
    const key = `${step.agent}.${idempotencyKeyOf(step)}`;
    const mine: LedgerEntry = { state: 'running', attempt: step.attempt, owner: this.options.owner };
    const giveUpAt = Date.now() + (this.options.giveUpAfterMs ?? 60_000);
    let seen: { revision: number; since: number } | undefined;
    // Most steps were never claimed: try to create the entry first, and read it only when that fails.
    let untried = true;
    for (let backoff = 100; ; ) {
      try {
        signal?.throwIfAborted();
        const kv = await this.bucket();
        const entry = untried ? undefined : await kv.get(key);
        untried = false;
        if (!entry || entry.operation !== 'PUT') return this.hold(kv, key, mine, await kv.create(key, JSON.stringify(mine)));
        const held = entry.json<LedgerEntry>();
        if (held.state === 'settled' && (held.outcome.type === 'TaskCompleted' || held.attempt >= step.attempt)) return { kind: 'settled', outcome: held.outcome };
        const stale = seen?.revision === entry.revision && Date.now() - seen.since >= this.options.leaseMs;
        if (held.state === 'settled' || stale) {
          if (stale) this.options.log.warn({ key, holder: held.owner, attempt: held.attempt }, 'step holder stopped refreshing its lease; taking the step over');
          return this.hold(kv, key, mine, await kv.update(key, JSON.stringify(mine), entry.revision));
        }
        if (seen?.revision !== entry.revision) seen = { revision: entry.revision, since: Date.now() };
        await sleep(Math.min(500, this.options.leaseMs / 4), undefined, { signal });
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (isCompareAndSetRace(error)) continue;
        if (Date.now() >= giveUpAt) throw new InfrastructureError(`step ledger unavailable: ${(error as Error).message}`);
        // Unwatched while NATS was away (the holder could not refresh either): its silence is judged afresh.
        seen = undefined;
        this.options.log.warn({ key, err: (error as Error).message }, 'step ledger not reachable; retrying');
        // Stopped while backing off: the same rejection as a stop seen anywhere else in the loop.
        await sleep(backoff, undefined, { signal }).catch(() => signal?.throwIfAborted());
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  }

  private hold(kv: KV, key: string, running: LedgerEntry, revision: number): StepClaim {
    const { leaseMs, log } = this.options;
    let current = revision;
    const refresh = setInterval(() => {
      kv.update(key, JSON.stringify(running), current).then(
        (next) => (current = next),
        (error) => {
          // Taken over: this holder was thought dead. Its outcome still counts when it comes (last writer wins).
          if (isCompareAndSetRace(error)) clearInterval(refresh);
          log.warn({ key, err: (error as Error).message }, 'step lease not refreshed');
        },
      );
    }, leaseMs / 3);
    refresh.unref();
    return {
      kind: 'run',
      lease: {
        settle: async (outcome) => {
          clearInterval(refresh);
          await persistently('step outcome', () => kv.put(key, JSON.stringify({ ...running, state: 'settled', outcome } satisfies LedgerEntry)), log, { fields: { key } });
        },
        release: () => clearInterval(refresh),
        abandon: async () => {
          clearInterval(refresh);
          await kv.delete(key, { previousSeq: current }).catch((error: Error) => log.warn({ key, err: error.message }, 'step not given back; its lease will go stale'));
        },
      },
    };
  }
}
