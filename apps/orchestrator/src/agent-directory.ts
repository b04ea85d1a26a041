import { CATALOG, createMessage, type Actor, type AgentInstance } from '@agentos/contracts';
import type { JetStreamClientProxy, NatsConnector } from '@agentos/messaging';
import type { Subscription } from 'nats';

/**
 * The live agent instances, as the registry reports them, cached for the scheduler: refreshed on
 * every registration or instance-down event and at least every `refreshMs`.
 */
export class AgentDirectory {
  private instances: AgentInstance[] = [];
  private ticker?: NodeJS.Timeout;
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly bus: JetStreamClientProxy,
    private readonly actor: Actor,
    private readonly onChange: () => void,
    private readonly refreshMs = 1_000,
  ) {}

  async start(): Promise<void> {
    const nc = await this.bus.unwrap<NatsConnector>().connection$();
    const refreshOn = (subject: string) => nc.subscribe(subject, { callback: () => void this.refresh() });
    this.subscriptions = [refreshOn(CATALOG.AgentRegistered.subject), refreshOn(CATALOG.AgentInstanceDropped.subject)];
    this.ticker = setInterval(() => void this.refresh(), this.refreshMs);
    this.ticker.unref();
    await this.refresh();
  }

  stop(): void {
    clearInterval(this.ticker);
    this.subscriptions.forEach((s) => s.unsubscribe());
  }

  get live(): readonly AgentInstance[] {
    return this.instances;
  }

  /** Every agent the registry knows, up or down: a capability nobody ever offered is a bad workflow. */
  async catalogue(origin: { tenant: string; correlationId?: string }): Promise<AgentInstance[]> {
    const reply = await this.bus.query(createMessage('FindAgents', { includeDown: true }, { ...origin, actor: this.actor }));
    return reply.agents;
  }

  async refresh(): Promise<void> {
    try {
      const reply = await this.bus.query(createMessage('FindAgents', {}, { tenant: 'system', actor: this.actor }), 2_000);
      const changed = JSON.stringify(reply.agents) !== JSON.stringify(this.instances);
      this.instances = reply.agents;
      if (changed) this.onChange();
    } catch {
      // registry unavailable: keep the last known instances; heartbeats will tell when they go
    }
  }
}
