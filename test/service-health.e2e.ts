import { startService } from '@agentos/service-host';
import { startNatsServer, type NatsServerHandle } from '@agentos/testing';
import { Module, type INestMicroservice } from '@nestjs/common';
import pino from 'pino';
import { Writable } from 'node:stream';

@Module({})
class NothingModule {}

/** Polls until the endpoint answers `status`; the last status seen otherwise. */
async function statusWithin(url: string, status: number, ms: number): Promise<number | undefined> {
  const deadline = Date.now() + ms;
  let seen: number | undefined;
  while (Date.now() < deadline) {
    seen = await fetch(url).then((response) => response.status, () => undefined);
    if (seen === status) return seen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return seen;
}

describe('health endpoints', () => {
  let nats: NatsServerHandle;
  let app: INestMicroservice | undefined;
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) }));

  beforeAll(async () => {
    nats = await startNatsServer();
  });

  afterAll(async () => {
    await app?.close();
    await nats.stop();
  });

  it('/readyz answers 503 while NATS is down and 200 once it is back; /livez stays 200', async () => {
    app = await startService({ name: 'health-probe', module: NothingModule }, { env: { NATS_URL: nats.url, AGENTOS_HEALTH_PORT: '0', AGENTOS_HEALTH_HOST: '127.0.0.1' }, log, handleSignals: false });
    const health = lines.find((line) => line.event === 'service.started')?.health as string;
    const ready = await fetch(`${health}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { ready: true, started: true, nats: 'connected', draining: false }]);

    await nats.kill();
    expect(await statusWithin(`${health}/readyz`, 503, 2_000)).toBe(503);
    expect((await fetch(`${health}/livez`)).status).toBe(200);
    expect(await (await fetch(`${health}/readyz`)).json()).toMatchObject({ ready: false, nats: 'disconnected' });

    await nats.restart();
    expect(await statusWithin(`${health}/readyz`, 200, 10_000)).toBe(200);

    await app.close();
    app = undefined;
    // Closing the app frees the health port.
    expect(await statusWithin(`${health}/livez`, -1, 500)).toBeUndefined();
  }, 30_000);
});
