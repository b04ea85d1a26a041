import type { StepRetries } from '@agentos/contracts';
import { createHash } from 'node:crypto';

/**
 * How long to wait before retrying after failed attempt `attempt` (1-based): initial × 2^(attempt-1),
 * capped at maxBackoffMs, then "full jitter" between 50% and 100% of that so retries of many
 * workflows spread out. The jitter comes from SHA-256 of `seed` rather than Math.random because
 * the decider that calls this must compute the same delay on replay; callers should put the
 * workflow, step and attempt in the seed so each retry draws its own jitter.
 */
export function backoffDelayMs(retries: StepRetries, attempt: number, seed: string): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a whole number ≥ 1, got ${attempt}`);
  // 2^40 already exceeds any cap; bounding the exponent keeps 0 × 2^n from becoming NaN.
  const ceiling = Math.min(retries.initialBackoffMs * 2 ** Math.min(attempt - 1, 40), retries.maxBackoffMs);
  const floor = Math.ceil(ceiling / 2);
  return floor + Math.floor(unitInterval(seed) * (ceiling - floor + 1));
}

/** A number in [0, 1) from the first 48 bits of SHA-256(seed): exact in a double, uniform enough. */
function unitInterval(seed: string): number {
  return createHash('sha256').update(seed).digest().readUIntBE(0, 6) / 2 ** 48;
}
