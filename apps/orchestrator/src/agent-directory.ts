import { subjectFilter, createMessage, type Actor, type AgentInstance, type WorkflowDefinition } from '@agentos/contracts';
import type { JetStreamClientProxy, NatsConnector } from '@agentos/messaging';
import { unknownTargets } from '@agentos/workflow';
import type { Subscription } from 'nats';

/**
 * The agent instances, as the registry reports them, cached for the scheduler (the live ones) and
 * as a fallback catalogue: refreshed on every registration or instance-down event and at least every
 * `refreshMs`.
 */
export class AgentDirectory {
  private instances: AgentInstance[] = [];
  private known?: AgentInstance[];
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
    this.subscriptions = [refreshOn(subjectFilter('AgentRegistered')), refreshOn(subjectFilter('AgentInstanceDropped'))];
    this.ticker = setInterval(() => void this.refresh(), this.refreshMs);
    this.ticker.unref();
    await this.refresh();
  }

  stop(): void {
    clearInterval(this.ticker);
    this.subscriptions.forEach((s) => s.unsubscribe());
  }

  /** Told an instance is down: stop offering it now, before the next refresh confirms it. */
  forget(instanceId: string): void {
    this.instances = this.instances.filter((instance) => instance.instanceId !== instanceId);
  }

  get live(): readonly AgentInstance[] {
    return this.instances;
  }

  /**
   * Every agent the registry knows, up or down: a capability nobody ever offered is a bad workflow.
   * The cached catalogue serves a run whose every target it already offers (it follows registrations and is
   * refreshed every second): no round trip on the way to a run's first step. Anything else is asked fresh, so an
   * agent registered a moment ago is never missed and a run fails for a missing agent only on the registry's word.
   * While the registry does not answer (restarting), the last known catalogue serves, so a registry outage delays
   * nothing that was already known.
   */
  async catalogue(origin: { tenant: string; correlationId?: string }, wanted?: WorkflowDefinition): Promise<AgentInstance[]> {
    if (this.known && wanted && unknownTargets(wanted, this.known).length === 0) return this.known;
    try {
      return (await this.bus.query(createMessage('FindAgents', { includeDown: true }, { ...origin, actor: this.actor }), 1_000)).agents;
    } catch (error) {
      if (!this.known) throw error;
      return this.known;
    }
  }

  async refresh(): Promise<void> {
    try {
      const reply = await this.bus.query(createMessage('FindAgents', { includeDown: true }, { tenant: 'system', actor: this.actor }), 2_000);
      const live = reply.agents.filter((agent) => agent.status === 'up');
      const changed = JSON.stringify(live) !== JSON.stringify(this.instances);
      this.known = reply.agents;
      this.instances = live;
      if (changed) this.onChange();
    } catch {
      // registry unavailable: keep the last known instances; heartbeats will tell when they go
    }
  }
}
