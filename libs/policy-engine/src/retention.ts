import { z } from 'zod';

const MS_PER_UNIT = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, y: 365 * 86_400_000 } as const;

/** How long a kind of data is kept: a whole number and a unit, `s`, `m`, `h`, `d` or `y` (365 days): `30d`, `1y`. */
export const RetentionPeriod = z
  .string()
  .regex(/^[1-9]\d*(s|m|h|d|y)$/, 'a retention period is a whole number and s, m, h, d or y (365 days), e.g. 30d or 1y')
  .transform((text) => Number(text.slice(0, -1)) * MS_PER_UNIT[text.at(-1) as keyof typeof MS_PER_UNIT]);

/** How long each kind of a tenant's data is kept: memory values and notes, and what is recorded about its runs. Unset: for good. */
export const RetentionRule = z.object({ memory: RetentionPeriod.optional(), runs: RetentionPeriod.optional() }).strict();
export type RetentionRule = z.output<typeof RetentionRule>;

/**
 * Retention in the policy bundle: a default for every tenant, and per tenant what differs from it (a tenant's
 * rule for a kind wins; kinds it does not name keep the default).
 */
export const RetentionSettings = z
  .object({
    default: RetentionRule.default({}),
    tenants: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'tenants are lower-case slugs'), RetentionRule).default({}),
  })
  .strict();
export type RetentionSettings = z.output<typeof RetentionSettings>;

/** The retention in force for a tenant, in milliseconds per kind of data. */
export function retentionOf(settings: RetentionSettings, tenant: string): RetentionRule {
  return { ...settings.default, ...settings.tenants[tenant] };
}

/** One step of a retention pass: erase this tenant's data of this kind written before `before`. */
export interface RetentionDue {
  tenant: string;
  kind: keyof RetentionRule;
  retainedForMs: number;
  before: number;
}

/** What a retention pass at `now` erases, for the tenants that have data and those the rules name. */
export function retentionDue(settings: RetentionSettings, tenantsWithData: readonly string[], now: number): RetentionDue[] {
  const tenants = [...new Set([...tenantsWithData, ...Object.keys(settings.tenants)])].sort();
  return tenants.flatMap((tenant) => {
    const rule = retentionOf(settings, tenant);
    return (['memory', 'runs'] as const).flatMap((kind) => {
      const retainedForMs = rule[kind];
      return retainedForMs === undefined ? [] : [{ tenant, kind, retainedForMs, before: now - retainedForMs }];
    });
  });
}
