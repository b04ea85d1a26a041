/**
 * The secrets port: agents and services ask for a secret by name and never learn where it lives
 * (environment, encrypted file, later a vault), so deployments can swap the backing store.
 */
export interface SecretStore {
  /** Where secrets come from, for logs and error messages; never contains a secret. */
  readonly name: string;
  /** The secret's value, or undefined when the store has no secret of that name. */
  get(name: string): Promise<string | undefined>;
  /** Names only, sorted; listing never decrypts or reveals values. */
  list(): Promise<string[]>;
}

/**
 * Names map onto environment variable suffixes and JSON keys, so they are kept to a portable
 * alphabet. Requiring a leading letter also rules out `__proto__` and friends as JSON keys.
 */
export const SECRET_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;

/** A secret name outside SECRET_NAME: a programming error, so it throws rather than returning undefined. */
export class SecretNameError extends Error {
  override readonly name = 'SecretNameError';
}

/**
 * A store that cannot answer truthfully: bad key, tampered or malformed file, I/O failure.
 * Messages name the secret, variable or file involved but never contain secret material.
 */
export class SecretStoreError extends Error {
  override readonly name = 'SecretStoreError';
}

export const isSecretName = (name: string): boolean => SECRET_NAME.test(name);

export function assertSecretName(name: string): void {
  // JSON.stringify quotes and escapes, so odd input cannot forge log lines; names are not secrets.
  if (typeof name !== 'string' || !SECRET_NAME.test(name)) {
    throw new SecretNameError(
      `invalid secret name ${JSON.stringify(String(name).slice(0, 140))}: use a letter, then up to 127 letters, digits, "_", "." or "-"`,
    );
  }
}
