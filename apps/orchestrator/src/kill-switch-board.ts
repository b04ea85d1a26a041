import { SYSTEM_TENANT, createMessage, type ActiveKillSwitch, type Actor, type AnyMessage } from '@agentos/contracts';
import { followFacts, type JetStreamClientProxy, type NatsConnector } from '@agentos/messaging';
import type { Subscription } from 'nats';

const keyOf = (kill: Pick<ActiveKillSwitch, 'scope' | 'target'>) => `${kill.scope}:${kill.target}`;

/**
 * The kill switches in force, as the scheduler needs them at every assignment: learned from the
 * policy service at start and kept current from its KillSwitchActivated/Released events.
 */
export class KillSwitchBoard {
  private readonly active = new Map<string, ActiveKillSwitch>();
  private subscriptions: Subscription[] = [];
  private synced = false;

  constructor(private readonly bus: JetStreamClientProxy, private readonly actor: Actor) {}

  async start(): Promise<void> {
    const nc = await this.bus.unwrap<NatsConnector>().connection$();
    const onFact = (message: AnyMessage) => {
      if (message.type === 'KillSwitchActivated') this.active.set(keyOf(message.payload), { ...message.payload, activatedAt: message.occurredAt, activatedBy: `${message.actor.kind}:${message.actor.id}` });
      if (message.type === 'KillSwitchReleased') this.active.delete(keyOf(message.payload));
    };
    this.subscriptions = [followFacts(nc, 'KillSwitchActivated', onFact), followFacts(nc, 'KillSwitchReleased', onFact)];
    await this.sync();
  }

  /** Asks policy for the switches in force; until it answers once, assignments wait (fail closed). */
  async sync(): Promise<boolean> {
    if (this.synced) return true;
    try {
      const { switches } = await this.bus.query(createMessage('ListKillSwitches', {}, { tenant: SYSTEM_TENANT, actor: this.actor }), 2_000);
      switches.forEach((kill) => this.active.set(keyOf(kill), kill));
      this.synced = true;
    } catch {
      // policy not up yet: the next planning round asks again
    }
    return this.synced;
  }

  get switches(): ActiveKillSwitch[] {
    return [...this.active.values()];
  }

  stop(): void {
    this.subscriptions.forEach((s) => s.unsubscribe());
  }
}
