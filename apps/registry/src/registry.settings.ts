import { durationMs, list } from '@agentos/config';
import { serviceSettings } from '@agentos/service-host';
import type { z } from 'zod';

export const registrySettings = serviceSettings.extend({
  /** Silence after which an instance is dropped and its tasks re-queued. */
  AGENTOS_LIVENESS_TIMEOUT_MS: durationMs(10_000),
  /** Owners allowed to register agents, each `<tenant>/<kind>:<name>`; `*` allows all. */
  AGENTOS_REGISTRY_OWNERS: list(['*']),
});

export type RegistrySettings = z.output<typeof registrySettings>;
