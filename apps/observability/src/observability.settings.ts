import { port, text } from '@agentos/config';
import { serviceSettings } from '@agentos/service-host';
import type { z } from 'zod';

export const observabilitySettings = serviceSettings.extend({
  /** The dashboard, /metrics and the APIs; 0 picks a free port. */
  AGENTOS_OBSERVABILITY_PORT: port(9464),
  AGENTOS_OBSERVABILITY_HOST: text('127.0.0.1'),
  /** JSON file of access-token hashes (a path: the hashes stay in the file). Unset: data and state routes answer 401. */
  AGENTOS_OBSERVABILITY_TOKENS_FILE: text(),
  /** Comma-separated origins also allowed to post the kill switch (checked by allowedOrigins). */
  AGENTOS_OBSERVABILITY_ORIGINS: text(),
});

export type ObservabilitySettings = z.output<typeof observabilitySettings>;
