import { describeZodError } from '@agentos/contracts';
import { credsUser } from '@agentos/messaging';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

export const CliSettings = z.object({
  natsUrl: z.string().default('nats://127.0.0.1:4222'),
  esdbUrl: z.string().optional(),
  tenant: z.string().default('default'),
  /** Who acts: the name of the principal whose creds the CLI uses (the broker lets it publish only as `user-<name>`). */
  user: z.string().default('cli'),
  /** NATS credentials file (NATS_CREDS, --nats-creds), for a server in operator mode (`agentos principals add`). */
  natsCreds: z.string().optional(),
});
export type CliSettings = z.infer<typeof CliSettings>;

export interface GlobalFlags {
  natsUrl?: string;
  esdbUrl?: string;
  tenant?: string;
  user?: string;
  natsCreds?: string;
  config?: string;
}

/** Flags win over the environment, which wins over the config file (~/.agentos.json or --config). */
export function loadSettings(flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env): CliSettings {
  const path = flags.config ?? env.AGENTOS_CONFIG ?? join(homedir(), '.agentos.json');
  let file: Record<string, unknown> = {};
  if (existsSync(path)) {
    try {
      file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`config file ${path} is not JSON: ${(error as Error).message}`);
    }
  } else if (flags.config) {
    throw new Error(`config file ${path} does not exist`);
  }
  const merged = {
    ...file,
    ...(env.NATS_URL ? { natsUrl: env.NATS_URL } : {}),
    ...(env.ESDB_URL ? { esdbUrl: env.ESDB_URL } : {}),
    ...(env.AGENTOS_TENANT ? { tenant: env.AGENTOS_TENANT } : {}),
    ...(env.AGENTOS_USER ? { user: env.AGENTOS_USER } : {}),
    ...(env.NATS_CREDS ? { natsCreds: env.NATS_CREDS } : {}),
    ...Object.fromEntries(Object.entries(flags).filter(([key, value]) => value !== undefined && key !== 'config')),
  };
  // Acting as anyone but the creds' principal would only be refused by the broker: default to its name.
  if (merged.natsCreds && merged.user === undefined) merged.user = credsUser(String(merged.natsCreds));
  const parsed = CliSettings.safeParse(merged);
  if (!parsed.success) throw new Error(`settings: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
