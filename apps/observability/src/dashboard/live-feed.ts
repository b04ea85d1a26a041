import { createMessage, type AnyMessage } from '@agentos/contracts';
import { JetStreamClientProxy } from '@agentos/messaging';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { Metrics } from '../metrics';
import { WorkflowBoard } from './workflow-board';

const ORIGIN = { tenant: 'system', actor: { kind: 'service' as const, id: 'observability' } };

/**
 * Server-sent events for the dashboard: a workflow's new steps as they are observed, and once a
 * second the metrics, the registered agents and the kill switches (only while someone watches).
 */
@Injectable()
export class LiveFeed implements OnModuleDestroy {
  readonly board = new WorkflowBoard();
  private readonly clients = new Set<ServerResponse>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly metrics: Metrics, private readonly bus: JetStreamClientProxy) {}

  observe(message: AnyMessage): void {
    const changed = this.board.apply(message);
    if (changed) this.broadcast('workflow', changed);
  }

  async attach(response: ServerResponse): Promise<void> {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    this.clients.add(response);
    response.on('close', () => {
      this.clients.delete(response);
      if (this.clients.size === 0) this.stopTicking();
    });
    for (const workflow of this.board.recent()) this.send(response, 'workflow', workflow);
    await this.tick();
    this.timer ??= setInterval(() => void this.tick(), 1_000);
  }

  onModuleDestroy(): void {
    this.stopTicking();
    this.clients.forEach((client) => client.end());
  }

  private stopTicking(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    this.broadcast('metrics', await this.metrics.snapshot());
    // Health of the rest of the system, asked like any client would; a service that does not answer is shown as such.
    await this.bus.query(createMessage('FindAgents', {}, ORIGIN), 1_000).then((r) => this.broadcast('agents', r.agents), () => this.broadcast('agents', []));
    await this.bus.query(createMessage('ListKillSwitches', {}, ORIGIN), 1_000).then((r) => this.broadcast('kill-switches', r.switches), () => undefined);
  }

  private broadcast(event: string, data: unknown): void {
    for (const client of this.clients) this.send(client, event, data);
  }

  private send(client: ServerResponse, event: string, data: unknown): void {
    client.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}
