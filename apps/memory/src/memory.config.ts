import type { MemoryScope } from '@agentos/contracts';
import type { MemorySettings } from './memory.settings';

export interface MemoryConfig {
  /** Largest value accepted, in bytes of JSON. */
  maxValueBytes: number;
  /** Default time to live per scope, in seconds; undefined keeps values until deleted. */
  ttlSeconds: Record<MemoryScope, number | undefined>;
}

/** The store's limits, from AGENTOS_MEMORY_MAX_VALUE_BYTES and AGENTOS_MEMORY_TTL_<SCOPE>. */
export function memoryConfig(settings: MemorySettings): MemoryConfig {
  return {
    maxValueBytes: settings.AGENTOS_MEMORY_MAX_VALUE_BYTES,
    ttlSeconds: {
      workflow: settings.AGENTOS_MEMORY_TTL_WORKFLOW,
      agent: settings.AGENTOS_MEMORY_TTL_AGENT,
      tenant: settings.AGENTOS_MEMORY_TTL_TENANT,
      global: settings.AGENTOS_MEMORY_TTL_GLOBAL,
    },
  };
}
