import { EVENT_STREAMS, causedBy, createMessage, type MessageOf } from '@agentos/contracts';
import { EventRecorder } from '@agentos/decider';
import { JetStreamClientProxy, type NatsConnector } from '@agentos/messaging';
import { ServiceContext } from '@agentos/service-host';
import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AgentCatalogue } from './agent-catalogue';
import type { RegistrySettings } from './registry.settings';

/**
 * Declares instances down when their heartbeats stop, or when they leave, and says so with
 * AgentInstanceDropped (recorded in the agent's history, then published), so the orchestrator
 * re-queues the tasks they held.
 */
@Injectable()
export class LivenessSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private readonly timeoutMs: number;
  private deafUntil: number;

  constructor(
    private readonly catalogue: AgentCatalogue,
    private readonly bus: JetStreamClientProxy,
    private readonly recorder: EventRecorder,
    private readonly service: ServiceContext<RegistrySettings>,
  ) {
    // AGENTOS_LIVENESS_TIMEOUT_MS of silence marks an instance down.
    this.timeoutMs = service.settings.AGENTOS_LIVENESS_TIMEOUT_MS;
    this.deafUntil = Date.now() + this.timeoutMs;
  }

  onApplicationBootstrap(): void {
    void this.watchConnection();
    this.timer = setInterval(() => void this.sweep().catch((error: Error) => this.service.log.warn({ err: error }, 'liveness sweep failed')), Math.max(100, Math.floor(this.timeoutMs / 4)));
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /**
   * After this registry (re)starts or its NATS connection comes back, heartbeats it could not hear
   * are not the agents' fault: it waits one full timeout before declaring anyone down, so a NATS
   * or registry restart does not re-queue (and re-run) tasks of healthy agents.
   */
  private async watchConnection(): Promise<void> {
    const nc = await this.bus.unwrap<NatsConnector>().connection$();
    for await (const status of nc.status()) if (status.type === 'reconnect') this.deafUntil = Date.now() + this.timeoutMs;
  }

  async sweep(now = Date.now()): Promise<void> {
    if (now < this.deafUntil) return;
    const silent = (instance: { lastSeenAt: string }) => now - Date.parse(instance.lastSeenAt) > this.timeoutMs;
    for (const instance of await this.catalogue.find({})) {
      if (!silent(instance)) continue;
      const down = await this.catalogue.markDown(instance, silent);
      if (!down) continue;
      const reason = `no heartbeat for ${Math.round((now - Date.parse(down.lastSeenAt)) / 1000)} s`;
      await this.announce(createMessage('AgentInstanceDropped', { name: down.name, version: down.version, instanceId: down.instanceId, reason, lastSeenAt: down.lastSeenAt }, { tenant: 'system', actor: this.actor }));
    }
  }

  /** An instance that stops on purpose, after finishing its tasks. */
  async deregistered(message: MessageOf<'DeregisterAgent'>): Promise<void> {
    const down = await this.catalogue.markDown(message.payload, () => true);
    if (!down) return;
    await this.announce(causedBy(message, 'AgentInstanceDropped', { name: down.name, version: down.version, instanceId: down.instanceId, reason: `left: ${message.payload.reason}`, lastSeenAt: down.lastSeenAt }, this.actor));
  }

  private async announce(event: MessageOf<'AgentInstanceDropped'>): Promise<void> {
    await this.recorder.record(EVENT_STREAMS.agent(event.payload.name), [event]);
    this.service.log.warn({ agent: event.payload.name, instanceId: event.payload.instanceId, reason: event.payload.reason }, 'agent instance down');
  }

  private get actor() {
    return { kind: 'service' as const, id: this.service.name };
  }
}
