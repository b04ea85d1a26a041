import { EVENT_STREAMS, SYSTEM_TENANT } from '@agentos/contracts';
import { seesTenant } from '@agentos/identity';
import { EVENT_STORE, type EventStore } from '@agentos/event-store';
import { JetStreamClientProxy, PrincipalLinks, type NatsConnector } from '@agentos/messaging';
import { workflowStream } from '@agentos/orchestration';
import { lineage } from '@agentos/replay';
import { ServiceContext } from '@agentos/service-host';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DASHBOARD_ASSETS } from './dashboard/assets';
import { LiveFeed } from './dashboard/live-feed';
import { HttpAccess, type Principal } from './http/access';
import { killSwitchCommand } from './http/kill-switch';
import { allowedOrigins, crossSiteRefusal, isJson } from './http/request-checks';
import { setSecurityHeaders } from './http/security-headers';
import { Metrics } from './metrics';
import { MetricsByTenant } from './metrics-by-tenant';
import type { ObservabilitySettings } from './observability.settings';

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}) });
  response.end(JSON.stringify(body));
};

/**
 * The observability app's HTTP face, for people and Prometheus (services never call it):
 * / (the dashboard, with /dashboard.js and /dashboard.css), /api/stream (its live feed), POST /api/kill-switch,
 * /metrics (Prometheus text), /api/metrics, /api/workflows/<id>/lineage, /healthz.
 * Everything but the static dashboard files and /healthz needs a bearer token (see HttpAccess), and a
 * token of a tenant sees only that tenant's runs and numbers.
 * AGENTOS_OBSERVABILITY_PORT (default 9464; 0 picks a free one) and AGENTOS_OBSERVABILITY_HOST (127.0.0.1).
 */
@Injectable()
export class ObservabilityHttp implements OnModuleInit, OnModuleDestroy {
  private server?: Server;
  // A bad tokens file or origin list stops the service as it is built, before it listens.
  private readonly access: HttpAccess;
  private readonly origins: Set<string>;
  /** The kill switch goes out as its token's principal, on that principal's own connection (its creds). */
  private readonly links: PrincipalLinks;

  constructor(
    private readonly metrics: Metrics,
    private readonly byTenant: MetricsByTenant,
    private readonly feed: LiveFeed,
    bus: JetStreamClientProxy,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly service: ServiceContext<ObservabilitySettings>,
  ) {
    this.access = HttpAccess.fromEnv(service.env);
    this.origins = allowedOrigins(service.settings.AGENTOS_OBSERVABILITY_ORIGINS);
    this.links = new PrincipalLinks(bus.unwrap<NatsConnector>(), 'observability', service.log);
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async onModuleInit(): Promise<void> {
    if (this.access.mode === 'insecure') {
      this.service.log.warn({ event: 'http.insecure' }, 'AGENTOS_INSECURE=1: the dashboard, its data and the kill switch are open to anyone who can reach this port');
    }
    const server = createServer((request, response) => {
      this.route(request, response).catch((error: Error) => json(response, 500, { error: error.message }));
    });
    this.server = server;
    const { AGENTOS_OBSERVABILITY_PORT: port, AGENTOS_OBSERVABILITY_HOST: host } = this.service.settings;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.service.log.info({ event: 'http.listening', url: `http://${host}:${this.port}`, access: this.access.mode }, 'observability HTTP listening');
  }

  async onModuleDestroy(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await this.links.close();
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    setSecurityHeaders(response);
    const url = new URL(request.url ?? '/', 'http://local');
    if (url.pathname === '/api/kill-switch') return request.method === 'POST' ? this.kill(request, response) : json(response, 405, { error: 'only POST here' });
    if (request.method !== 'GET') return json(response, 405, { error: 'only GET here' });
    if (Object.hasOwn(DASHBOARD_ASSETS, url.pathname)) {
      const asset = DASHBOARD_ASSETS[url.pathname];
      response.writeHead(200, { 'content-type': asset.type });
      response.end(asset.body);
      return;
    }
    if (url.pathname === '/healthz') return json(response, 200, { status: 'ok' });
    const principal = this.admit(request, response);
    if (!principal) return;
    if (url.pathname === '/api/stream') return this.feed.attach(response, principal);
    if (url.pathname === '/metrics') return this.prometheus(response, principal);
    if (url.pathname === '/api/metrics') return json(response, 200, await this.byTenant.snapshot(principal.tenant));
    const lineageMatch = /^\/api\/workflows\/([\w-]+)\/lineage$/.exec(url.pathname);
    if (lineageMatch) return this.lineage(response, principal, lineageMatch[1]);
    json(response, 404, { error: `no such resource: ${url.pathname}` });
  }

  /** The caller's principal, or undefined once the request has been refused. */
  private admit(request: IncomingMessage, response: ServerResponse): Principal | undefined {
    const admission = this.access.admit(request);
    if (admission.ok) return admission.principal;
    json(response, admission.status, { error: admission.error });
    return undefined;
  }

  /** Prometheus series span every tenant (usage is labelled by tenant), so only a platform token reads them. */
  private async prometheus(response: ServerResponse, principal: Principal): Promise<void> {
    if (principal.tenant !== SYSTEM_TENANT) return json(response, 403, { error: `/metrics covers every tenant; ${principal.name} sees only ${principal.tenant} (use /api/metrics)` });
    response.writeHead(200, { 'content-type': this.metrics.registry.contentType });
    response.end(await this.metrics.registry.metrics());
  }

  /** Another tenant's workflow is answered as unknown, so its existence does not leak. */
  private async lineage(response: ServerResponse, principal: Principal, id: string): Promise<void> {
    const workflow = await this.store.readStream(workflowStream(id));
    if (workflow.length === 0 || !seesTenant(principal, workflow[0].event.tenant)) return json(response, 404, { error: `unknown workflow ${id}` });
    const memory = await this.store.readStream(EVENT_STREAMS.memory({ tenant: workflow[0].event.tenant, scope: 'workflow', scopeId: id }));
    json(response, 200, lineage(workflow, memory));
  }

  /** Checked in this order: the page that sent it, the body's type, the token, then the switch. */
  private async kill(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const crossSite = crossSiteRefusal(request, this.origins);
    if (crossSite) return json(response, 403, { error: crossSite });
    if (!isJson(request)) return json(response, 415, { error: 'send the kill switch as content-type: application/json' });
    const principal = this.admit(request, response);
    if (!principal) return;
    const outcome = await killSwitchCommand(request, principal);
    if (!outcome.ok) return json(response, outcome.status, { error: outcome.error });
    await this.links.client(principal).publishMessage(outcome.command);
    json(response, 202, { accepted: outcome.command.id });
  }
}
