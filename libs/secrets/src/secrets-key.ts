import { randomBytes } from 'node:crypto';
import { SecretStoreError } from './secret-store';

/** AES-256 needs exactly 32 bytes of key. */
export const SECRETS_KEY_BYTES = 32;
export const DEFAULT_KEY_VARIABLE = 'AGENTOS_SECRETS_KEY';

const HEX = /^[0-9a-fA-F]{64}$/;
// Standard or URL-safe alphabet, optional padding: keys get pasted from many tools.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Reads the master key from its textual form: 64 hex characters or base64 of 32 bytes.
 * Every error names the variable and the expected shape but never the text itself, because
 * a nearly-right key (one character off, truncated) is still almost the whole secret.
 */
export function parseSecretsKey(text: string | undefined, variable = DEFAULT_KEY_VARIABLE): Buffer {
  // Keys are often read from files or pasted with a trailing newline.
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') {
    throw new SecretStoreError(`${variable} is not set: it must hold a 32-byte key (generate one with "agentos secrets keygen")`);
  }
  if (HEX.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (!BASE64.test(trimmed)) {
    throw new SecretStoreError(`${variable} is not valid base64 or hex: it must be 32 bytes as base64 (44 characters) or hex (64 characters)`);
  }
  const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== SECRETS_KEY_BYTES) {
    throw new SecretStoreError(`${variable} has the wrong length: it decodes to ${key.length} bytes, but AES-256 needs ${SECRETS_KEY_BYTES}`);
  }
  return key;
}

/** A fresh random key in the form parseSecretsKey reads first: base64 of 32 bytes. */
export const generateSecretsKey = (): string => randomBytes(SECRETS_KEY_BYTES).toString('base64');
