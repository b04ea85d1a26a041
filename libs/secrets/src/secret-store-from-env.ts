import { EncryptedFileSecretStore } from './encrypted-file-secret-store';
import { envSecretStore } from './env-secret-store';
import type { SecretStore } from './secret-store';
import { parseSecretsKey } from './secrets-key';

export const SECRETS_FILE_VARIABLE = 'AGENTOS_SECRETS_FILE';

/**
 * Deployment picks the store, code never does: AGENTOS_SECRETS_FILE selects the encrypted file
 * (and then AGENTOS_SECRETS_KEY is required, failing at startup rather than at first use);
 * otherwise secrets are AGENTOS_SECRET_* environment variables.
 */
export function secretStoreFromEnv(env: NodeJS.ProcessEnv = process.env): SecretStore {
  const file = env[SECRETS_FILE_VARIABLE]?.trim();
  if (file) return EncryptedFileSecretStore.open(file, parseSecretsKey(env.AGENTOS_SECRETS_KEY));
  return envSecretStore(env);
}
