import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EncryptedFileSecretStore } from './encrypted-file-secret-store';
import { SecretStoreError } from './secret-store';
import { secretStoreFromEnv } from './secret-store-from-env';

const dir = mkdtempSync(join(tmpdir(), 'agentos-secrets-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('secretStoreFromEnv', () => {
  it('uses the environment adapter when AGENTOS_SECRETS_FILE is unset or blank', async () => {
    for (const env of [{ AGENTOS_SECRET_TOKEN: 'from-env' }, { AGENTOS_SECRET_TOKEN: 'from-env', AGENTOS_SECRETS_FILE: ' ' }]) {
      const store = secretStoreFromEnv(env);
      expect(store).not.toBeInstanceOf(EncryptedFileSecretStore);
      expect(store.name).toBe('env:AGENTOS_SECRET_*');
      expect(await store.get('TOKEN')).toBe('from-env');
    }
  });

  it('uses the encrypted file, keyed by AGENTOS_SECRETS_KEY, when AGENTOS_SECRETS_FILE is set', async () => {
    const key = randomBytes(32);
    const file = join(dir, 'secrets.json');
    await EncryptedFileSecretStore.open(file, key).put('TOKEN', 'from-file');
    const store = secretStoreFromEnv({ AGENTOS_SECRETS_FILE: file, AGENTOS_SECRETS_KEY: key.toString('hex'), AGENTOS_SECRET_TOKEN: 'from-env' });
    expect(store).toBeInstanceOf(EncryptedFileSecretStore);
    expect(store.name).toBe(`encrypted-file:${file}`);
    expect(await store.get('TOKEN')).toBe('from-file');
  });

  it('fails at once when the file is chosen but the key is missing', () => {
    expect(() => secretStoreFromEnv({ AGENTOS_SECRETS_FILE: join(dir, 'secrets.json') })).toThrow(SecretStoreError);
    expect(() => secretStoreFromEnv({ AGENTOS_SECRETS_FILE: join(dir, 'secrets.json') })).toThrow(/AGENTOS_SECRETS_KEY is not set/);
  });
});
