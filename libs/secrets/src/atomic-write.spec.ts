import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write';

const dir = mkdtempSync(join(tmpdir(), 'agentos-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces the content with the given mode, even over a looser existing file, leaving no temp file', async () => {
    const parent = mkdtempSync(join(dir, 'ok-'));
    const file = join(parent, 'f.json');
    writeFileSync(file, 'old', { mode: 0o644 });
    await writeFileAtomic(file, 'new', 0o600);
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(parent)).toEqual(['f.json']);
  });

  it('sets the exact mode even when the umask would take more away', async () => {
    const file = join(mkdtempSync(join(dir, 'umask-')), 'f.json');
    const previous = process.umask(0o277);
    try {
      await writeFileAtomic(file, 'content', 0o600);
    } finally {
      process.umask(previous);
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('removes its temp file when the rename fails', async () => {
    const parent = mkdtempSync(join(dir, 'fail-'));
    // A non-empty directory where the file should go: the temp file gets written, the rename fails.
    const file = join(parent, 'f.json');
    mkdirSync(join(file, 'occupied'), { recursive: true });
    await expect(writeFileAtomic(file, 'content', 0o600)).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(parent)).toEqual(['f.json']);
  });
});
