import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReadinessState } from './readiness';

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Liveness and readiness for container platforms: /livez answers 200 while the process runs (also while
 * NATS is down: restarting the process would not bring NATS back); /readyz answers 200 only while
 * the service is ready, else 503, with the state as JSON either way.
 */
export async function startHealthServer(port: number, host: string, readiness: () => ReadinessState): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const state = request.url === '/readyz' ? readiness() : undefined;
    const status = request.url === '/livez' ? 200 : state ? (state.ready ? 200 : 503) : 404;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(state ?? { status: status === 200 ? 'ok' : 'not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
