import { durationMs, secret, text } from '@agentos/config';
import { natsEnvironment } from '@agentos/messaging';
import type { z } from 'zod';

/** The variables an agent process reads; runAgent parses them (options given in code win). */
export const agentSettings = natsEnvironment.extend({
  /** How often an instance tells the registry it is alive. */
  AGENTOS_HEARTBEAT_MS: durationMs(2_000),
  /** A step's holder silent this long is taken for dead and its step run elsewhere. */
  AGENTOS_STEP_LEASE_MS: durationMs(10_000),
  /** Set by the supervisor; unset, host-pid-random. */
  AGENTOS_INSTANCE_ID: text(),
  AGENTOS_TENANT: text(),
  // The model's settings are validated by languageModelFromEnv; declared here so the effective configuration shows them.
  AGENTOS_LLM: text('local'),
  AGENTOS_LLM_BASE_URL: text(),
  AGENTOS_LLM_MODEL: text(),
  AGENTOS_LLM_TIMEOUT_MS: text(),
  AGENTOS_LLM_API_KEY: secret(text()),
  AGENTOS_SECRETS_FILE: text(),
  AGENTOS_SECRETS_KEY: secret(text()),
});

export type AgentSettings = z.output<typeof agentSettings>;
