import { envSecretStore } from './env-secret-store';
import { SecretNameError } from './secret-store';

describe('envSecretStore', () => {
  const env = {
    AGENTOS_SECRET_OPENAI_KEY: 'sk-test-1',
    'AGENTOS_SECRET_db.password': 'hunter22',
    AGENTOS_SECRET_EMPTY: '',
    'AGENTOS_SECRET_not a name': 'set by some other tool',
    OPENAI_KEY: 'not-a-secret-of-ours',
    AGENTOS_SECRETS_KEY: 'the master key is not a secret named S_KEY',
  };

  it('maps a name to the prefixed variable', async () => {
    const store = envSecretStore(env);
    expect(await store.get('OPENAI_KEY')).toBe('sk-test-1');
    expect(await store.get('db.password')).toBe('hunter22');
  });

  it('lists names without the prefix, sorted, skipping empty, unprefixed and invalidly named variables', async () => {
    expect(await envSecretStore(env).list()).toEqual(['OPENAI_KEY', 'db.password']);
  });

  it('returns undefined for a missing or empty secret', async () => {
    const store = envSecretStore(env);
    expect(await store.get('MISSING')).toBeUndefined();
    expect(await store.get('EMPTY')).toBeUndefined();
  });

  it('honours a custom prefix and does not reach Object.prototype', async () => {
    const store = envSecretStore({ MY_TOKEN: 'abc123', OTHER: 'x' }, 'MY_');
    expect(await store.get('TOKEN')).toBe('abc123');
    expect(await store.list()).toEqual(['TOKEN']);
    expect(await envSecretStore({}, '').get('constructor')).toBeUndefined();
  });

  it('sees changes made to the env after creation', async () => {
    const live: NodeJS.ProcessEnv = {};
    const store = envSecretStore(live);
    live.AGENTOS_SECRET_LATE = 'arrived';
    expect(await store.get('LATE')).toBe('arrived');
  });

  it.each(['', '1KEY', 'has space', '_LEADING', 'a/b', 'x'.repeat(129)])('rejects the name %j with SecretNameError', async (name) => {
    await expect(envSecretStore(env).get(name)).rejects.toThrow(SecretNameError);
  });

  it('accepts a name of the maximum length', async () => {
    await expect(envSecretStore(env).get('x'.repeat(128))).resolves.toBeUndefined();
  });
});
