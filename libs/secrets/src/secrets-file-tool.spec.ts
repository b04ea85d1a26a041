import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EncryptedFileSecretStore } from './encrypted-file-secret-store';
import { parseSecretsKey } from './secrets-key';
import { runSecretsTool } from './secrets-file-tool';

const dir = mkdtempSync(join(tmpdir(), 'agentos-secrets-tool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the tool, capturing its exit code and output lines. */
const run = async (argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; lines: string[] }> => {
  const lines: string[] = [];
  const code = await runSecretsTool(argv, env, (line) => lines.push(line));
  return { code, lines };
};

describe('runSecretsTool', () => {
  it('keygen prints one valid, fresh key', async () => {
    const first = await run(['keygen']);
    const second = await run(['keygen']);
    expect(first.code).toBe(0);
    expect(first.lines).toHaveLength(1);
    expect(parseSecretsKey(first.lines[0])).toHaveLength(32);
    expect(second.lines[0]).not.toBe(first.lines[0]);
  });

  it('puts, lists and deletes, reading the value from AGENTOS_SECRET_VALUE and never printing it', async () => {
    const [key] = (await run(['keygen'])).lines;
    const file = join(dir, 'tool.json');
    const env = { AGENTOS_SECRETS_KEY: key };

    expect(await run(['put', file, 'OPENAI_KEY'], { ...env, AGENTOS_SECRET_VALUE: 'sk-from-the-tool' })).toEqual({ code: 0, lines: ['stored OPENAI_KEY'] });
    expect(await run(['put', file, 'DB_URL'], { ...env, AGENTOS_SECRET_VALUE: 'postgres://u:p@h/db' })).toEqual({ code: 0, lines: ['stored DB_URL'] });
    expect(readFileSync(file, 'utf8')).not.toContain('sk-from-the-tool');
    expect(await EncryptedFileSecretStore.open(file, parseSecretsKey(key)).get('OPENAI_KEY')).toBe('sk-from-the-tool');

    expect(await run(['list', file], env)).toEqual({ code: 0, lines: ['DB_URL', 'OPENAI_KEY'] });
    expect(await run(['delete', file, 'DB_URL'], env)).toEqual({ code: 0, lines: ['deleted DB_URL'] });
    expect(await run(['delete', file, 'DB_URL'], env)).toEqual({ code: 1, lines: ['no secret named DB_URL'] });
    expect(await run(['list', file], env)).toEqual({ code: 0, lines: ['OPENAI_KEY'] });
  });

  it('fails with a message when the value, the key or a valid name is missing', async () => {
    const file = join(dir, 'errors.json');
    const [key] = (await run(['keygen'])).lines;
    expect(await run(['put', file, 'X'], { AGENTOS_SECRETS_KEY: key })).toEqual({ code: 1, lines: ['error: set AGENTOS_SECRET_VALUE to the secret\'s value'] });
    const noKey = await run(['list', file], {});
    expect(noKey.code).toBe(1);
    expect(noKey.lines[0]).toMatch(/^error: AGENTOS_SECRETS_KEY is not set/);
    const badName = await run(['put', file, 'bad name'], { AGENTOS_SECRETS_KEY: key, AGENTOS_SECRET_VALUE: 'value' });
    expect(badName.code).toBe(1);
    expect(badName.lines[0]).toMatch(/^error: invalid secret name/);
  });

  it.each([[[]], [['nope']], [['put', 'only-file']], [['keygen', 'extra']], [['constructor']]])('prints usage and exits 2 for %j', async (argv) => {
    const { code, lines } = await run(argv);
    expect(code).toBe(2);
    expect(lines[0]).toMatch(/^usage:/);
  });
});
