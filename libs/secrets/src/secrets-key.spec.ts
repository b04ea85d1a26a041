import { randomBytes } from 'node:crypto';
import { SecretStoreError } from './secret-store';
import { generateSecretsKey, parseSecretsKey } from './secrets-key';

const errorOf = (text: string | undefined, variable?: string): Error => {
  try {
    parseSecretsKey(text, variable);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected parseSecretsKey to throw');
};

describe('parseSecretsKey', () => {
  const bytes = randomBytes(32);

  it('accepts base64, with or without padding, and its URL-safe alphabet', () => {
    expect(parseSecretsKey(bytes.toString('base64'))).toEqual(bytes);
    expect(parseSecretsKey(bytes.toString('base64').replace(/=+$/, ''))).toEqual(bytes);
    expect(parseSecretsKey(bytes.toString('base64url'))).toEqual(bytes);
  });

  it('accepts hex in either case, and ignores surrounding whitespace', () => {
    expect(parseSecretsKey(bytes.toString('hex'))).toEqual(bytes);
    expect(parseSecretsKey(bytes.toString('hex').toUpperCase())).toEqual(bytes);
    expect(parseSecretsKey(`  ${bytes.toString('base64')}\n`)).toEqual(bytes);
  });

  it.each([
    ['31 bytes of base64', randomBytes(31).toString('base64'), /wrong length.*31 bytes/],
    ['33 bytes of base64', randomBytes(33).toString('base64'), /wrong length.*33 bytes/],
    ['63 hex characters', 'ab'.repeat(31) + 'c', /wrong length/],
    ['garbage', 'not a key! %%%', /not valid base64 or hex/],
  ])('rejects %s, naming the variable but not the text', (_, text, pattern) => {
    const error = errorOf(text, 'MY_KEY');
    expect(error).toBeInstanceOf(SecretStoreError);
    expect(error.message).toMatch(pattern);
    expect(error.message).toContain('MY_KEY');
    expect(error.message).not.toContain(text);
    expect(error.message).not.toContain(text.slice(0, 8));
  });

  it.each([undefined, '', '  \n'])('rejects a missing key (%j), naming the default variable', (text) => {
    const error = errorOf(text);
    expect(error).toBeInstanceOf(SecretStoreError);
    expect(error.message).toMatch(/^AGENTOS_SECRETS_KEY is not set/);
  });
});

describe('generateSecretsKey', () => {
  it('produces distinct base64 keys of 32 bytes that parseSecretsKey accepts', () => {
    const key = generateSecretsKey();
    expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(parseSecretsKey(key)).toHaveLength(32);
    expect(generateSecretsKey()).not.toBe(key);
  });
});
