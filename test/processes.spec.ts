import { waitFor } from '@agentos/testing';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnScript } from '../scripts/processes';

describe('the processes npm start runs', () => {
  it('keep what each writes, stdout and stderr, in its log file, across restarts', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'agentos-logs-')), 'logs', 'chatty.log');
    const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').sort() : []);
    for (let run = 1; run <= 2; run += 1) {
      const chatty = spawnScript('chatty', join(__dirname, 'fixtures/processes/chatty.ts'), {}, undefined, log);
      await chatty.started;
      await chatty.exited;
      await waitFor(async () => lines(), (found) => found.length === 2 * run, { what: `the lines of run ${run}` });
    }
    expect(lines()).toEqual(['chatty: a warning on stderr', 'chatty: a warning on stderr', '{"event":"service.started","service":"chatty"}', '{"event":"service.started","service":"chatty"}']);
  }, 30_000);
});
