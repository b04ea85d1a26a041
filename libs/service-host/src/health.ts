import type { NatsConnection } from 'nats';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthServer {
  url: string;
  /** From now on readiness fails, so the orchestrator of containers stops sending work (on SIGTERM). */
  draining(): void;
  close(): Promise<void>;
}

/**
 * Liveness and readiness for container platforms: /livez answers while the process runs; /readyz
 * answers 200 only while the NATS connection is up and the service is not draining.
 */
export async function startHealthServer(port: number, host: string, connection: () => NatsConnection | undefined): Promise<HealthServer> {
  let draining = false;
  const server: Server = createServer((request, response) => {
    const ready = !draining && connection()?.isClosed() === false;
    const status = request.url === '/livez' ? 200 : request.url === '/readyz' ? (ready ? 200 : 503) : 404;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(request.url === '/readyz' ? { ready, draining } : { status: status === 200 ? 'ok' : 'not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    draining: () => {
      draining = true;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
