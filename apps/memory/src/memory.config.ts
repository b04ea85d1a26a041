import type { MemoryScope } from '@agentos/contracts';

export interface MemoryConfig {
  /** Largest value accepted, in bytes of JSON. */
  maxValueBytes: number;
  /** Default time to live per scope, in seconds; undefined keeps values until deleted. */
  ttlSeconds: Record<MemoryScope, number | undefined>;
}

const DAY = 24 * 60 * 60;

const seconds = (value: string | undefined, fallback: number | undefined) => {
  if (value === undefined) return fallback;
  if (value === '' || value === 'none') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`memory TTL must be a positive number of seconds or "none", got "${value}"`);
  return parsed;
};

/** AGENTOS_MEMORY_MAX_VALUE_BYTES (default 1 MiB) and AGENTOS_MEMORY_TTL_<SCOPE> (seconds or "none"). */
export function memoryConfig(env: NodeJS.ProcessEnv): MemoryConfig {
  const maxValueBytes = Number(env.AGENTOS_MEMORY_MAX_VALUE_BYTES ?? 1024 * 1024);
  if (!Number.isInteger(maxValueBytes) || maxValueBytes <= 0) throw new Error('AGENTOS_MEMORY_MAX_VALUE_BYTES must be a positive integer');
  return {
    maxValueBytes,
    ttlSeconds: {
      workflow: seconds(env.AGENTOS_MEMORY_TTL_WORKFLOW, 7 * DAY),
      agent: seconds(env.AGENTOS_MEMORY_TTL_AGENT, 30 * DAY),
      tenant: seconds(env.AGENTOS_MEMORY_TTL_TENANT, undefined),
      global: seconds(env.AGENTOS_MEMORY_TTL_GLOBAL, undefined),
    },
  };
}
