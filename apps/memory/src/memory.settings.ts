import { text, wholeNumber } from '@agentos/config';
import { serviceSettings } from '@agentos/service-host';
import { z } from 'zod';

const DAY = 24 * 60 * 60;

/** A default time to live in seconds; `none` keeps values until deleted. */
const ttlSeconds = (fallback: number | undefined) =>
  text().transform((value, ctx) => {
    if (value === undefined) return fallback;
    if (value === 'none') return undefined;
    if (/^\d+$/.test(value) && Number(value) > 0) return Number(value);
    ctx.addIssue({ code: 'custom', message: `expected a positive number of seconds or "none"; got "${value}"` });
    return z.NEVER;
  });

export const memorySettings = serviceSettings.extend({
  /** How often expired values are freed; reads never return them anyway. */
  AGENTOS_MEMORY_SWEEP_SECONDS: wholeNumber(60, { min: 1 }),
  /** Largest value accepted, in bytes of JSON. */
  AGENTOS_MEMORY_MAX_VALUE_BYTES: wholeNumber(1024 * 1024, { min: 1 }),
  AGENTOS_MEMORY_TTL_WORKFLOW: ttlSeconds(7 * DAY),
  AGENTOS_MEMORY_TTL_AGENT: ttlSeconds(30 * DAY),
  AGENTOS_MEMORY_TTL_TENANT: ttlSeconds(undefined),
  AGENTOS_MEMORY_TTL_GLOBAL: ttlSeconds(undefined),
});

export type MemorySettings = z.output<typeof memorySettings>;
