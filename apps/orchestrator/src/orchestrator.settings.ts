import { durationMs, oneOf, text, wholeNumber } from '@agentos/config';
import { DEFAULT_BREAKER_OPTIONS, strategies, type StrategyName } from '@agentos/scheduler';
import { serviceSettings } from '@agentos/service-host';
import type { z } from 'zod';

const STRATEGY_NAMES = Object.keys(strategies) as [StrategyName, ...StrategyName[]];

export const orchestratorSettings = serviceSettings.extend({
  AGENTOS_SCHEDULER: oneOf(STRATEGY_NAMES, 'fair-share'),
  /** Consecutive failures that open an instance's circuit. */
  AGENTOS_BREAKER_FAILURES: wholeNumber(DEFAULT_BREAKER_OPTIONS.failureThreshold, { min: 1 }),
  /** How long an open circuit waits before its half-open probe. */
  AGENTOS_BREAKER_COOLDOWN_MS: durationMs(DEFAULT_BREAKER_OPTIONS.cooldownMs),
  /** Agent process templates for SpawnAgent; unset, deploy/agents/templates.yaml if it exists. */
  AGENTOS_AGENT_TEMPLATES: text(),
  /**
   * Runs are spread over this many partitions, each decided by one replica at a time (AGENTOS_LEASE_MS is how long
   * a silent owner keeps it). The same on every replica, for the life of the deployment: it decides where a run goes.
   */
  AGENTOS_PARTITIONS: wholeNumber(16, { min: 1, max: 1024 }),
  /** How long a replica may be silent before another takes its partitions over; each renews every third of it. */
  AGENTOS_LEASE_MS: durationMs(6_000),
  AGENTOS_SUPERVISOR_ROOT: text(),
});

export type OrchestratorSettings = z.output<typeof orchestratorSettings>;
