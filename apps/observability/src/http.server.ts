import { ActivateKillSwitch, createMessage, describeZodError } from '@agentos/contracts';
import { EVENT_STORE, type EventStore } from '@agentos/event-store';
import { JetStreamClientProxy } from '@agentos/messaging';
import { workflowStream } from '@agentos/orchestration';
import { lineage } from '@agentos/replay';
import { ServiceContext } from '@agentos/service-host';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LiveFeed } from './dashboard/live-feed';
import { DASHBOARD_HTML } from './dashboard/page';
import { Metrics } from './metrics';

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

/**
 * The observability app's HTTP face, for people and Prometheus (services never call it):
 * / (the dashboard), /api/stream (its live feed), POST /api/kill-switch, /metrics (Prometheus text),
 * /api/metrics, /api/workflows/<id>/lineage, /healthz.
 * AGENTOS_OBSERVABILITY_PORT (default 9464; 0 picks a free one) and AGENTOS_OBSERVABILITY_HOST (127.0.0.1).
 */
@Injectable()
export class ObservabilityHttp implements OnModuleInit, OnModuleDestroy {
  private server?: Server;

  constructor(
    private readonly metrics: Metrics,
    private readonly feed: LiveFeed,
    private readonly bus: JetStreamClientProxy,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly service: ServiceContext,
  ) {}

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async onModuleInit(): Promise<void> {
    const server = createServer((request, response) => {
      this.route(request, response).catch((error: Error) => json(response, 500, { error: error.message }));
    });
    this.server = server;
    const port = Number(this.service.env.AGENTOS_OBSERVABILITY_PORT ?? 9464);
    const host = this.service.env.AGENTOS_OBSERVABILITY_HOST ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.service.log.info({ event: 'http.listening', url: `http://${host}:${this.port}` }, 'observability HTTP listening');
  }

  async onModuleDestroy(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://local');
    if (request.method === 'POST' && url.pathname === '/api/kill-switch') return this.kill(request, response);
    if (request.method !== 'GET') return json(response, 405, { error: 'only GET here' });
    if (url.pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(DASHBOARD_HTML);
      return;
    }
    if (url.pathname === '/api/stream') return this.feed.attach(response);
    if (url.pathname === '/metrics') {
      response.writeHead(200, { 'content-type': this.metrics.registry.contentType });
      response.end(await this.metrics.registry.metrics());
      return;
    }
    if (url.pathname === '/api/metrics') return json(response, 200, await this.metrics.snapshot());
    if (url.pathname === '/healthz') return json(response, 200, { status: 'ok' });
    const lineageMatch = /^\/api\/workflows\/([\w-]+)\/lineage$/.exec(url.pathname);
    if (lineageMatch) {
      const id = lineageMatch[1];
      const workflow = await this.store.readStream(workflowStream(id));
      if (workflow.length === 0) return json(response, 404, { error: `unknown workflow ${id}` });
      const memory = await this.store.readStream(`memory-${workflow[0].event.tenant}.workflow.${id}`);
      return json(response, 200, lineage(workflow, memory));
    }
    json(response, 404, { error: `no such resource: ${url.pathname}` });
  }

  /** The dashboard's kill switch: the same ActivateKillSwitch command the CLI sends. */
  private async kill(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return json(response, 400, { error: 'body must be JSON: {scope, target, reason}' });
    }
    const payload = ActivateKillSwitch.safeParse(body);
    if (!payload.success) return json(response, 400, { error: describeZodError(payload.error) });
    const command = createMessage('ActivateKillSwitch', payload.data, { tenant: 'system', actor: { kind: 'user', id: 'dashboard' } });
    await this.bus.publishMessage(command);
    json(response, 202, { accepted: command.id });
  }
}
