import { createMessage, newId } from '@agentos/contracts';
import { JetStreamClientProxy, NatsConnector, bootstrapNats } from '@agentos/messaging';
import { startNatsServer, waitFor, type NatsServerHandle } from '@agentos/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawnApp, type AppProcess } from '../scripts/processes';

/** A stand-in OpenTelemetry collector: records what the OTLP/HTTP exporter posts. */
function startCollector(): Promise<{ server: Server; posts: { path: string; type: string; bytes: number }[] }> {
  const posts: { path: string; type: string; bytes: number }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      posts.push({ path: request.url ?? '', type: String(request.headers['content-type']), bytes: Buffer.concat(chunks).length });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, posts })));
}

describe('span export over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
  let nats: NatsServerHandle;
  let policy: AppProcess;

  beforeAll(async () => {
    nats = await startNatsServer();
    await bootstrapNats({ servers: nats.url, name: 'e2e-bootstrap' });
  });

  afterAll(async () => {
    policy?.child.kill('SIGTERM');
    await policy?.exited;
    await nats.stop();
  });

  it('sends the spans of a handled request to the collector', async () => {
    const { server, posts } = await startCollector();
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    policy = spawnApp('policy', { NATS_URL: nats.url, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '200' });
    await policy.started;
    const client = new JetStreamClientProxy(new NatsConnector({ servers: nats.url, name: 'otlp-test' }));
    const verdict = await client.query(
      createMessage('CheckPolicy', { requestId: newId(), action: 'tool.call', subject: {}, resource: { kind: 'tool', name: 'x' }, context: {} }, { tenant: 'acme', actor: { kind: 'user', id: 'u' } }),
    );
    expect(verdict.effect).toBe('deny');
    await waitFor(() => posts.filter((p) => p.path === '/v1/traces'), (found) => found.length > 0, { what: 'an OTLP export', timeoutMs: 15_000 });
    expect(posts[0]).toMatchObject({ path: '/v1/traces' });
    expect(posts[0].bytes).toBeGreaterThan(100);
    await client.close();
    server.close();
  }, 60_000);
});
