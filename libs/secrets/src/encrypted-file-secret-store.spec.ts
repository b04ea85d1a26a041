import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EncryptedFileSecretStore } from './encrypted-file-secret-store';
import { SecretNameError, SecretStoreError } from './secret-store';

const dir = mkdtempSync(join(tmpdir(), 'agentos-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
const freshFile = (): string => join(mkdtempSync(join(dir, `case-${fileCount++}-`)), 'secrets.json');
const key = randomBytes(32);

interface OnDisk {
  version: number;
  secrets: Record<string, { iv: string; tag: string; data: string }>;
}
const readJson = (path: string): OnDisk => JSON.parse(readFileSync(path, 'utf8')) as OnDisk;
const writeJson = (path: string, content: OnDisk): void => writeFileSync(path, JSON.stringify(content));
const flipBit = (base64: string, byte = 0): string => {
  const buffer = Buffer.from(base64, 'base64');
  buffer[byte] ^= 0x01;
  return buffer.toString('base64');
};

describe('EncryptedFileSecretStore', () => {
  it('round-trips unicode and a 64 KiB value', async () => {
    const store = EncryptedFileSecretStore.open(freshFile(), key);
    const unicode = 'pässwörd 🔑 日本語 \u0000 "quoted"';
    const big = randomBytes(48 * 1024).toString('base64'); // exactly 65,536 characters
    expect(big).toHaveLength(64 * 1024);
    await store.put('unicode', unicode);
    await store.put('big', big);
    expect(await store.get('unicode')).toBe(unicode);
    expect(await store.get('big')).toBe(big);
    expect(await store.get('missing')).toBeUndefined();
    expect(await store.list()).toEqual(['big', 'unicode']);
  });

  it('treats a missing file as empty and does not create it until a put', async () => {
    const file = freshFile();
    const store = EncryptedFileSecretStore.open(file, key);
    expect(await store.list()).toEqual([]);
    expect(await store.get('anything')).toBeUndefined();
    expect(await store.get('constructor')).toBeUndefined();
    expect(() => statSync(file)).toThrow(/ENOENT/);
  });

  it('writes neither the value nor its base64 to disk, in the documented format, with mode 0600', async () => {
    const file = freshFile();
    const value = 'sk-live-0123456789abcdef-very-secret';
    await EncryptedFileSecretStore.open(file, key).put('API_KEY', value);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(value);
    expect(text).not.toContain(Buffer.from(value).toString('base64'));
    expect(text).not.toContain(Buffer.from(value).toString('hex'));
    const json = readJson(file);
    expect(json.version).toBe(1);
    expect(Object.keys(json.secrets)).toEqual(['API_KEY']);
    expect(Buffer.from(json.secrets.API_KEY.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(json.secrets.API_KEY.tag, 'base64')).toHaveLength(16);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('uses a fresh IV for every seal, even of the same value', async () => {
    const file = freshFile();
    const store = EncryptedFileSecretStore.open(file, key);
    await store.put('A', 'same value');
    const first = readJson(file).secrets.A;
    await store.put('A', 'same value');
    const second = readJson(file).secrets.A;
    expect(second.iv).not.toBe(first.iv);
    expect(second.data).not.toBe(first.data);
  });

  it('lets two stores on the same file see each other’s secrets', async () => {
    const file = freshFile();
    const a = EncryptedFileSecretStore.open(file, key);
    const b = EncryptedFileSecretStore.open(file, Buffer.from(key));
    await a.put('FROM_A', 'value-a');
    await b.put('FROM_B', 'value-b');
    expect(await a.get('FROM_B')).toBe('value-b');
    expect(await b.get('FROM_A')).toBe('value-a');
    expect(await a.list()).toEqual(['FROM_A', 'FROM_B']);
  });

  it('does not depend on the caller keeping its key buffer intact', async () => {
    const file = freshFile();
    const mine = Buffer.from(key);
    const store = EncryptedFileSecretStore.open(file, mine);
    mine.fill(0);
    await store.put('K', 'value');
    expect(await EncryptedFileSecretStore.open(file, key).get('K')).toBe('value');
  });

  it('throws SecretStoreError naming the secret under a wrong key, and refuses to put under it', async () => {
    const file = freshFile();
    await EncryptedFileSecretStore.open(file, key).put('DB_PASSWORD', 'correct horse');
    const wrong = EncryptedFileSecretStore.open(file, randomBytes(32));
    await expect(wrong.get('DB_PASSWORD')).rejects.toThrow(SecretStoreError);
    await expect(wrong.get('DB_PASSWORD')).rejects.toThrow(/"DB_PASSWORD".*authentication failed/);
    await expect(wrong.put('OTHER', 'value')).rejects.toThrow(/refusing to store secret "OTHER".*does not open existing secret "DB_PASSWORD"/);
    expect(Object.keys(readJson(file).secrets)).toEqual(['DB_PASSWORD']);
  });

  it.each(['data', 'tag', 'iv'] as const)('detects a flipped bit in %s', async (field) => {
    const file = freshFile();
    const store = EncryptedFileSecretStore.open(file, key);
    await store.put('TOKEN', 'a token worth protecting');
    const json = readJson(file);
    json.secrets.TOKEN[field] = flipBit(json.secrets.TOKEN[field], 3);
    writeJson(file, json);
    await expect(store.get('TOKEN')).rejects.toThrow(/cannot decrypt secret "TOKEN"/);
  });

  it('rejects a truncated tag rather than checking fewer bytes', async () => {
    const file = freshFile();
    const store = EncryptedFileSecretStore.open(file, key);
    await store.put('TOKEN', 'a token worth protecting');
    const json = readJson(file);
    json.secrets.TOKEN.tag = Buffer.from(json.secrets.TOKEN.tag, 'base64').subarray(0, 4).toString('base64');
    writeJson(file, json);
    await expect(store.get('TOKEN')).rejects.toThrow(SecretStoreError);
  });

  it('detects two entries swapped, because each is bound to its name', async () => {
    const file = freshFile();
    const store = EncryptedFileSecretStore.open(file, key);
    await store.put('ADMIN_TOKEN', 'admin-powers');
    await store.put('GUEST_TOKEN', 'guest-powers');
    const json = readJson(file);
    [json.secrets.ADMIN_TOKEN, json.secrets.GUEST_TOKEN] = [json.secrets.GUEST_TOKEN, json.secrets.ADMIN_TOKEN];
    writeJson(file, json);
    await expect(store.get('ADMIN_TOKEN')).rejects.toThrow(/"ADMIN_TOKEN"/);
    await expect(store.get('GUEST_TOKEN')).rejects.toThrow(/"GUEST_TOKEN"/);
  });

  it('deletes, reporting whether the secret existed', async () => {
    const file = freshFile();
    const store = EncryptedFileSecretStore.open(file, key);
    await store.put('A', 'value-a');
    await store.put('B', 'value-b');
    expect(await store.delete('A')).toBe(true);
    expect(await store.delete('A')).toBe(false);
    expect(await store.get('A')).toBeUndefined();
    expect(await store.get('B')).toBe('value-b');
    expect(Object.keys(readJson(file).secrets)).toEqual(['B']);
  });

  it('serializes concurrent writes (none lost) and leaves no temp files behind', async () => {
    const file = freshFile();
    const a = EncryptedFileSecretStore.open(file, key);
    const b = EncryptedFileSecretStore.open(file, key);
    const names = Array.from({ length: 20 }, (_, i) => `S${i}`);
    await Promise.all(names.map((name, i) => (i % 2 ? a : b).put(name, `value-${name}`)));
    await a.delete('S0');
    expect(await a.list()).toEqual(names.slice(1).sort());
    expect(readdirSync(join(file, '..'))).toEqual(['secrets.json']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('rejects bad names, empty values and keys that are not 32 bytes', async () => {
    const store = EncryptedFileSecretStore.open(freshFile(), key);
    await expect(store.put('bad name', 'value')).rejects.toThrow(SecretNameError);
    await expect(store.get('9lives')).rejects.toThrow(SecretNameError);
    await expect(store.delete('')).rejects.toThrow(SecretNameError);
    await expect(store.put('EMPTY', '')).rejects.toThrow(SecretStoreError);
    expect(() => EncryptedFileSecretStore.open(freshFile(), randomBytes(31))).toThrow(/32 bytes, got 31/);
  });

  it('reports a corrupt or malformed file without quoting its content', async () => {
    const file = freshFile();
    writeFileSync(file, '{"version": 1, "secrets": {"A": "leaked-looking-content"');
    const store = EncryptedFileSecretStore.open(file, key);
    const error = await store.list().then(() => undefined, (e: Error) => e);
    expect(error).toBeInstanceOf(SecretStoreError);
    expect(error?.message).toMatch(/is not valid JSON$/);
    expect(error?.message).not.toContain('leaked-looking-content');
    writeFileSync(file, JSON.stringify({ version: 2, secrets: {} }));
    await expect(store.list()).rejects.toThrow(/malformed at version/);
    writeFileSync(file, JSON.stringify({ version: 1, secrets: { __proto__x: { iv: '', tag: '', data: '' } } }));
    await expect(store.list()).rejects.toThrow(/malformed at secrets.__proto__x/);
  });
});
