import { createMessage, type ActiveKillSwitch, type AnyMessage } from '@agentos/contracts';
import { JetStreamClientProxy } from '@agentos/messaging';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { seesTenant } from '@agentos/identity';
import type { Principal } from '../http/access';
import { MetricsByTenant } from '../metrics-by-tenant';
import { WorkflowBoard } from './workflow-board';

const ORIGIN = { tenant: 'system', actor: { kind: 'service' as const, id: 'observability' } };

/**
 * Server-sent events for the dashboard: a workflow's new steps as they are observed, and once a
 * second the metrics, the registered agents and the kill switches (only while someone watches).
 * Each watcher gets only what its token may see: its tenant's workflows, metrics and kill switches.
 */
@Injectable()
export class LiveFeed implements OnModuleDestroy {
  readonly board = new WorkflowBoard();
  private readonly clients = new Map<ServerResponse, Principal>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly metrics: MetricsByTenant, private readonly bus: JetStreamClientProxy) {}

  observe(message: AnyMessage): void {
    const changed = this.board.apply(message);
    if (changed) this.broadcast('workflow', (principal) => (seesTenant(principal, changed.tenant) ? changed : undefined));
  }

  async attach(response: ServerResponse, principal: Principal): Promise<void> {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    this.clients.set(response, principal);
    response.on('close', () => {
      this.clients.delete(response);
      if (this.clients.size === 0) this.stopTicking();
    });
    for (const workflow of this.board.recent()) if (seesTenant(principal, workflow.tenant)) this.send(response, 'workflow', workflow);
    await this.tick();
    this.timer ??= setInterval(() => void this.tick(), 1_000);
  }

  onModuleDestroy(): void {
    this.stopTicking();
    this.clients.forEach((_, client) => client.end());
  }

  private stopTicking(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    const snapshots = new Map([...new Set(this.clients.values())].map(({ tenant }) => [tenant, this.metrics.snapshot(tenant)]));
    for (const [client, { tenant }] of this.clients) this.send(client, 'metrics', await snapshots.get(tenant));
    // Health of the rest of the system, asked like any client would; a service that does not answer is shown as such.
    // Agents serve every tenant, so every watcher sees them.
    await this.bus.query(createMessage('FindAgents', {}, ORIGIN), 1_000).then((r) => this.broadcast('agents', () => r.agents), () => this.broadcast('agents', () => []));
    await this.bus.query(createMessage('ListKillSwitches', {}, ORIGIN), 1_000).then(
      (r) => this.broadcast('kill-switches', (principal) => r.switches.filter((s) => this.concerns(s, principal))),
      () => undefined,
    );
  }

  /** A tenant's watcher sees the switches that stop its work: global, agent, its tenant's, its workflows'. */
  private concerns(killSwitch: ActiveKillSwitch, principal: Principal): boolean {
    if (killSwitch.scope === 'tenant') return seesTenant(principal, killSwitch.target);
    if (killSwitch.scope === 'workflow') return seesTenant(principal, this.board.tenantOf(killSwitch.target) ?? '');
    return true;
  }

  /** Sends each watcher its view of the data; undefined sends nothing. */
  private broadcast(event: string, view: (principal: Principal) => unknown): void {
    for (const [client, principal] of this.clients) {
      const data = view(principal);
      if (data !== undefined) this.send(client, event, data);
    }
  }

  private send(client: ServerResponse, event: string, data: unknown): void {
    client.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}
