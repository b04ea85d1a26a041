import { startNatsServer, type NatsServerHandle } from '@agentos/testing';
import { APPS, spawnApp } from '../scripts/processes';

describe('each app as its own process', () => {
  let nats: NatsServerHandle;

  beforeAll(async () => {
    nats = await startNatsServer();
  });

  afterAll(async () => {
    await nats.stop();
  });

  it('starts on the transport with a structured start line and exits 0 on SIGTERM', async () => {
    const startLines: Record<string, unknown>[] = [];
    const apps = APPS.map((name) => spawnApp(name, { NATS_URL: nats.url, AGENTOS_OBSERVABILITY_PORT: '0' }, (line) => line.event === 'service.started' && startLines.push(line)));
    try {
      await Promise.all(apps.map((app) => app.started));
      expect(startLines.map((line) => line.name).sort()).toEqual(['agent-summariser', 'memory', 'observability', 'orchestrator', 'policy', 'registry']);
      expect(startLines.every((line) => typeof line.pid === 'number' && line.level === 30)).toBe(true);
    } finally {
      apps.forEach((app) => app.child.kill('SIGTERM'));
    }
    expect(await Promise.all(apps.map((app) => app.exited))).toEqual(APPS.map(() => 0));
  }, 90_000);
});
