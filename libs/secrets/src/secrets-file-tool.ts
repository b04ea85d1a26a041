import { EncryptedFileSecretStore } from './encrypted-file-secret-store';
import { SecretNameError, SecretStoreError } from './secret-store';
import { generateSecretsKey, parseSecretsKey } from './secrets-key';

/** Read from the environment, not argv, so the value never lands in shell history or `ps` output. */
export const SECRET_VALUE_VARIABLE = 'AGENTOS_SECRET_VALUE';

const USAGE = [
  'usage: secrets <command>',
  '  keygen                 print a new key for AGENTOS_SECRETS_KEY',
  '  put <file> <name>      store the value of AGENTOS_SECRET_VALUE as <name>',
  '  list <file>            print the names of the stored secrets',
  '  delete <file> <name>   remove <name>',
  'file commands read the key from AGENTOS_SECRETS_KEY',
];

/**
 * Manages an encrypted secrets file; the agentos CLI mounts it as `agentos secrets`. Returns the
 * exit code: 0 done, 1 failed (or nothing to delete), 2 usage. Output never contains a value.
 */
export async function runSecretsTool(argv: string[], env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  const [command, ...args] = argv;
  const usage = (): number => {
    USAGE.forEach((line) => out(line));
    return 2;
  };
  const arity: Record<string, number> = { keygen: 0, put: 2, list: 1, delete: 2 };
  if (command === undefined || !Object.hasOwn(arity, command) || args.length !== arity[command]) return usage();
  try {
    if (command === 'keygen') {
      out(generateSecretsKey());
      return 0;
    }
    const [file, name] = args;
    const store = EncryptedFileSecretStore.open(file, parseSecretsKey(env.AGENTOS_SECRETS_KEY));
    switch (command) {
      case 'put': {
        const value = env[SECRET_VALUE_VARIABLE];
        if (!value) {
          out(`error: set ${SECRET_VALUE_VARIABLE} to the secret's value`);
          return 1;
        }
        await store.put(name, value);
        out(`stored ${name}`);
        return 0;
      }
      case 'list':
        (await store.list()).forEach((secret) => out(secret));
        return 0;
      default: {
        const deleted = await store.delete(name);
        out(deleted ? `deleted ${name}` : `no secret named ${name}`);
        return deleted ? 0 : 1;
      }
    }
  } catch (error) {
    // Our own errors are written to be shown; anything else is a bug and should surface with its stack.
    if (error instanceof SecretStoreError || error instanceof SecretNameError) {
      out(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
