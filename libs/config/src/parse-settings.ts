import type { z } from 'zod';

/** The environment variables a process reads, by name; each app declares its own. */
export type SettingsSchema = z.ZodObject<Record<string, z.ZodType<unknown, string | undefined>>>;

/** Refusal to start: one line per bad variable, naming it and saying why. */
export class SettingsError extends Error {
  constructor(readonly problems: { variable: string; problem: string }[]) {
    super(`invalid configuration:\n${problems.map(({ variable, problem }) => `  ${variable}: ${problem}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

/** Parses the environment against the schema; throws a SettingsError naming every bad variable. */
export function parseSettings<S extends SettingsSchema>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new SettingsError(result.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? '(environment)'), problem: issue.message })));
}

const REDACTED = '[redacted]';
/** user:password@ in a connection string (nats://, esdb://, http://). */
const URL_PASSWORD = /(\/\/[^/:@\s]+:)[^/@\s]+@/g;

/** The parsed settings as safe to log: secret settings and passwords inside URLs redacted. */
export function effectiveSettings<S extends SettingsSchema>(schema: S, settings: z.output<S>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(settings as Record<string, unknown>).map(([variable, value]) => {
      if (value !== undefined && schema.shape[variable]?.meta()?.secret) return [variable, REDACTED];
      return [variable, withoutUrlPasswords(value)];
    }),
  );
}

/** Lists too: NATS_URL names several servers. */
const withoutUrlPasswords = (value: unknown): unknown =>
  typeof value === 'string' ? value.replace(URL_PASSWORD, `$1${REDACTED}@`) : Array.isArray(value) ? value.map(withoutUrlPasswords) : value;
