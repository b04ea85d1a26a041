import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { writeFileAtomic } from './atomic-write';
import { open, seal } from './seal';
import { assertSecretName, SecretStoreError, type SecretStore } from './secret-store';
import { SecretsFile, type SealedSecret } from './secrets-file-format';
import { SECRETS_KEY_BYTES } from './secrets-key';

/** Owner read/write only: the file is encrypted, but its names and sizes are still nobody else's business. */
const FILE_MODE = 0o600;

/**
 * Writers in this process queue per file, so two stores (or two concurrent puts) on one file
 * cannot both read the old content and lose each other's update. Separate processes are not
 * coordinated: the last rename wins, which suits a file changed by an operator's CLI.
 */
const writeQueues = new Map<string, Promise<unknown>>();

function serialized<T>(path: string, task: () => Promise<T>): Promise<T> {
  const previous = writeQueues.get(path) ?? Promise.resolve();
  const result = previous.then(task, task);
  const tail = result.catch(() => undefined);
  writeQueues.set(path, tail);
  // Forget an idle file so the map does not grow with every path ever opened.
  void tail.then(() => writeQueues.get(path) === tail && writeQueues.delete(path));
  return result;
}

/**
 * Secrets sealed with AES-256-GCM in one JSON file. The file is re-read on every call, so all
 * stores (and processes) using it see each other's changes; secrets files are small.
 */
export class EncryptedFileSecretStore implements SecretStore {
  readonly name: string;

  private constructor(
    private readonly path: string,
    private readonly key: Buffer,
  ) {
    this.name = `encrypted-file:${path}`;
  }

  /** Does not touch the file: a missing file is an empty store, created by the first put. */
  static open(path: string, key: Buffer): EncryptedFileSecretStore {
    if (!Buffer.isBuffer(key) || key.length !== SECRETS_KEY_BYTES) {
      throw new SecretStoreError(`secrets key must be ${SECRETS_KEY_BYTES} bytes, got ${Buffer.isBuffer(key) ? key.length : typeof key}`);
    }
    // A private copy: the caller may zero or reuse its buffer.
    return new EncryptedFileSecretStore(resolve(path), Buffer.from(key));
  }

  async get(name: string): Promise<string | undefined> {
    assertSecretName(name);
    const sealed = (await this.read()).get(name);
    return sealed === undefined ? undefined : this.unseal(name, sealed);
  }

  async list(): Promise<string[]> {
    return [...(await this.read()).keys()].sort();
  }

  async put(name: string, value: string): Promise<void> {
    assertSecretName(name);
    // An empty value is nearly always an unset shell variable, not a real secret.
    if (typeof value !== 'string' || value === '') throw new SecretStoreError(`secret "${name}" must have a non-empty value`);
    await serialized(this.path, async () => {
      const secrets = await this.read();
      this.assertSameKey(secrets, name);
      secrets.set(name, seal(this.key, name, value));
      await this.write(secrets);
    });
  }

  /** True when the secret existed. Needs no decryption, so it also removes entries sealed under a lost key. */
  async delete(name: string): Promise<boolean> {
    assertSecretName(name);
    return serialized(this.path, async () => {
      const secrets = await this.read();
      if (!secrets.delete(name)) return false;
      await this.write(secrets);
      return true;
    });
  }

  private unseal(name: string, sealed: SealedSecret): string {
    const value = open(this.key, name, sealed);
    if (value === undefined) {
      throw new SecretStoreError(`cannot decrypt secret "${name}" in ${this.path}: authentication failed (wrong key, or the file was tampered with)`);
    }
    return value;
  }

  /** A put under the wrong key would leave a file that no single key opens: refuse it up front. */
  private assertSameKey(secrets: Map<string, SealedSecret>, adding: string): void {
    const first = secrets.entries().next();
    if (!first.done && open(this.key, ...first.value) === undefined) {
      throw new SecretStoreError(
        `refusing to store secret "${adding}" in ${this.path}: the key does not open existing secret "${first.value[0]}" (wrong key?)`,
      );
    }
  }

  /** A Map, not the parsed object: a lookup of "constructor" must not find Object.prototype's. */
  private async read(): Promise<Map<string, SealedSecret>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw new SecretStoreError(`cannot read secrets file ${this.path}: ${(error as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // JSON.parse's own message quotes the text around the error; keep file content out of messages.
      throw new SecretStoreError(`secrets file ${this.path} is not valid JSON`);
    }
    const parsed = SecretsFile.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new SecretStoreError(`secrets file ${this.path} is malformed at ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
    }
    return new Map(Object.entries(parsed.data.secrets));
  }

  private async write(secrets: Map<string, SealedSecret>): Promise<void> {
    // Sorted and indented: stable, reviewable diffs when the file is kept in version control.
    const sorted = Object.fromEntries([...secrets.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    await writeFileAtomic(this.path, `${JSON.stringify({ version: 1, secrets: sorted }, null, 2)}\n`, FILE_MODE);
  }
}
