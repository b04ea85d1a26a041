import { z } from 'zod';

/**
 * Zod types for environment variables. An empty value counts as unset, like a shell's `X=`; every
 * other value is parsed strictly, so a typo refuses to start instead of becoming NaN or a default.
 */
const raw = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

const MS_PER_UNIT: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+)(ms|s|m|h|d)?$/;

/** A positive duration: plain milliseconds (`2000`) or with a unit (`500ms`, `2s`, `1m`, `1h`, `1d`). */
export const durationMs = (fallback: number) =>
  raw.transform((value, ctx) => {
    if (value === undefined) return fallback;
    const match = DURATION.exec(value);
    const ms = match ? Number(match[1]) * MS_PER_UNIT[match[2] ?? 'ms'] : NaN;
    if (ms > 0) return ms;
    ctx.addIssue({ code: 'custom', message: `expected a positive duration: milliseconds (2000) or 500ms, 2s, 1m, 1h, 1d; got "${value}"` });
    return z.NEVER;
  });

/** A whole number within [min, max]. */
export const wholeNumber = (fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) =>
  raw.transform((value, ctx) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (/^\d+$/.test(value) && n >= min && n <= max) return n;
    ctx.addIssue({ code: 'custom', message: `expected a whole number from ${min} to ${max}; got "${value}"` });
    return z.NEVER;
  });

/** A TCP port; 0 lets the system pick a free one. */
export const port = (fallback?: number) =>
  raw.transform((value, ctx) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (/^\d+$/.test(value) && n <= 65_535) return n;
    ctx.addIssue({ code: 'custom', message: `expected a port from 0 to 65535; got "${value}"` });
    return z.NEVER;
  });

/** `1` or `0`; anything else (`true`, `yes`) is refused rather than silently read as off. */
export const flag = raw.transform((value, ctx) => {
  if (value === undefined || value === '0') return false;
  if (value === '1') return true;
  ctx.addIssue({ code: 'custom', message: `expected 1 or 0; got "${value}"` });
  return z.NEVER;
});

/** Free text (a path, a URL, a name); unset stays undefined unless there is a fallback. */
export function text(): z.ZodType<string | undefined, string | undefined>;
export function text(fallback: string): z.ZodType<string, string | undefined>;
export function text(fallback?: string): z.ZodType<string | undefined, string | undefined> {
  return raw.transform((value) => value ?? fallback);
}

/** Comma-separated values, trimmed, empty ones dropped. */
export const list = (fallback: string[]) => raw.transform((value) => (value === undefined ? fallback : value.split(',').map((item) => item.trim()).filter(Boolean)));

/** One of a fixed set of names. */
export const oneOf = <const T extends readonly [string, ...string[]]>(names: T, fallback: T[number]) =>
  raw.transform((value, ctx) => {
    if (value === undefined) return fallback;
    if ((names as readonly string[]).includes(value)) return value as T[number];
    ctx.addIssue({ code: 'custom', message: `expected one of ${names.join(', ')}; got "${value}"` });
    return z.NEVER;
  });

/** Marks a setting whose value must never be logged (API keys, passwords, encryption keys). */
export const secret = <S extends z.ZodType>(schema: S): S => schema.meta({ secret: true }) as S;
