import { assertSecretName, isSecretName, type SecretStore } from './secret-store';

export const DEFAULT_ENV_PREFIX = 'AGENTOS_SECRET_';

/**
 * Secrets as prefixed environment variables (AGENTOS_SECRET_OPENAI_KEY → "OPENAI_KEY"): the
 * zero-setup adapter for development and for platforms that inject secrets as env vars.
 * The env object is read on every call, so later changes to it are seen.
 */
export function envSecretStore(env: NodeJS.ProcessEnv = process.env, prefix = DEFAULT_ENV_PREFIX): SecretStore {
  return {
    name: `env:${prefix}*`,
    async get(name) {
      assertSecretName(name);
      const key = prefix + name;
      // hasOwn: a name like "constructor" must not reach Object.prototype when the prefix is empty.
      const value = Object.hasOwn(env, key) ? env[key] : undefined;
      // `FOO=` in a compose file or shell means "not configured", not "the secret is the empty string".
      return value === undefined || value === '' ? undefined : value;
    },
    async list() {
      return Object.keys(env)
        .filter((key) => key.startsWith(prefix) && env[key] !== undefined && env[key] !== '')
        .map((key) => key.slice(prefix.length))
        .filter(isSecretName)
        .sort();
    },
  };
}
