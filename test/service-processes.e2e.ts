import { bootstrapNats } from '@agentos/messaging';
import { startNatsServer, type NatsServerHandle } from '@agentos/testing';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { APPS, ROOT, spawnApp } from '../scripts/processes';

describe('each app as its own process', () => {
  let nats: NatsServerHandle;

  beforeAll(async () => {
    nats = await startNatsServer();
    await bootstrapNats({ servers: nats.url, name: 'e2e-bootstrap' });
  });

  afterAll(async () => {
    await nats.stop();
  });

  /** Starts every app as a process, checks their structured start lines, then SIGTERMs them: each must exit 0. */
  async function startAndStopAll(built: boolean): Promise<void> {
    const startLines: Record<string, unknown>[] = [];
    const onLine = (line: Record<string, unknown>) => line.event === 'service.started' && startLines.push(line);
    const env = { NATS_URL: nats.url, AGENTOS_OBSERVABILITY_PORT: '0', AGENTOS_HEALTH_PORT: '0', AGENTOS_HEALTH_HOST: '127.0.0.1' };
    const apps = APPS.map((name) => spawnApp(name, env, onLine, { built }));
    try {
      await Promise.all(apps.map((app) => app.started));
      expect(startLines.map((line) => line.name).sort()).toEqual(['demo-agents', 'memory', 'observability', 'orchestrator', 'policy', 'registry']);
      expect(startLines.every((line) => typeof line.pid === 'number' && line.level === 30)).toBe(true);
      // The five services serve liveness and readiness on their health port.
      const healthUrls = startLines.map((line) => line.health).filter((url): url is string => typeof url === 'string');
      expect(healthUrls).toHaveLength(5);
      for (const url of healthUrls) {
        expect((await fetch(`${url}/livez`)).status).toBe(200);
        const ready = await fetch(`${url}/readyz`);
        expect([ready.status, await ready.json()]).toEqual([200, { ready: true, started: true, nats: 'connected', draining: false }]);
      }
    } finally {
      apps.forEach((app) => app.child.kill('SIGTERM'));
    }
    expect(await Promise.all(apps.map((app) => app.exited))).toEqual(APPS.map(() => 0));
  }

  it('starts on the transport with a structured start line and exits 0 on SIGTERM', () => startAndStopAll(false), 90_000);

  it('builds each app on its own (nx build <app>) into dist/<app>, which runs without the sources or the swc hook', async () => {
    for (const name of APPS) {
      execFileSync(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'scripts', 'build-app.ts'), name], { cwd: ROOT, stdio: 'pipe' });
      expect(existsSync(join(ROOT, 'dist', name, 'apps', name, 'src', 'main.js'))).toBe(true);
    }
    await startAndStopAll(true);
  }, 120_000);
});
