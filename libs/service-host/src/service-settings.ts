import { durationMs, flag, oneOf, port, text } from '@agentos/config';
import { natsEnvironment } from '@agentos/messaging';
import type { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The variables every service reads; each app extends this with its own (see its `*.settings.ts`). */
export const serviceSettings = natsEnvironment.extend({
  LOG_LEVEL: oneOf(LOG_LEVELS, 'info'),
  /** Unset: no health server. 0 picks a free port. */
  AGENTOS_HEALTH_PORT: port(),
  AGENTOS_HEALTH_HOST: text('0.0.0.0'),
  AGENTOS_INSECURE: flag,
  /** An esdb:// connection string selects EventStoreDB; unset, the embedded JetStream store. */
  ESDB_URL: text(),
  /** OTLP/HTTP collector for traces; unset, spans stay in memory. */
  OTEL_EXPORTER_OTLP_ENDPOINT: text(),
  /** This replica's name among its service's replicas, stable across its restarts (e.g. the pod's name); default host and pid. */
  AGENTOS_INSTANCE_ID: text(),
  /** How long one data key seals a tenant's data of one kind: retention erases data within this of its rule. */
  AGENTOS_DATA_KEY_PERIOD: durationMs(86_400_000),
});

export type ServiceSettings = z.output<typeof serviceSettings>;
