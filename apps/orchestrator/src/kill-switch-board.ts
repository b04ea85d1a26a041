import { SYSTEM_TENANT, createMessage, type ActiveKillSwitch, type Actor, type AnyMessage } from '@agentos/contracts';
import { followFacts, type JetStreamClientProxy, type NatsConnector } from '@agentos/messaging';
import type { Subscription } from 'nats';

const keyOf = (kill: Pick<ActiveKillSwitch, 'scope' | 'target'>) => `${kill.scope}:${kill.target}`;

/**
 * The kill switches in force, as the scheduler needs them at every assignment: learned from the policy service and
 * kept current from its KillSwitchActivated/Released facts. The facts come on a core subscription, so a
 * disconnection may lose some: after one the board asks policy again (adding what it did not know) before it is
 * trusted. A run's start asks policy fresh (RunCoordinator.killSwitches).
 */
export class KillSwitchBoard {
  private readonly active = new Map<string, ActiveKillSwitch>();
  private subscriptions: Subscription[] = [];
  private synced = false;
  /** Facts heard while policy's list is on its way: applied again after it, which may predate them. */
  private heardDuringSync?: AnyMessage[];
  private syncing?: Promise<boolean>;

  constructor(private readonly bus: JetStreamClientProxy, private readonly actor: Actor) {}

  async start(): Promise<void> {
    const nc = await this.bus.unwrap<NatsConnector>().connection$();
    const onFact = (message: AnyMessage) => {
      this.apply(message);
      this.heardDuringSync?.push(message);
    };
    this.subscriptions = [followFacts(nc, 'KillSwitchActivated', onFact), followFacts(nc, 'KillSwitchReleased', onFact)];
    void (async () => {
      for await (const status of nc.status()) if (status.type === 'disconnect' || status.type === 'reconnect') this.synced = false;
    })();
    await this.sync();
  }

  /** Asks policy for the switches in force unless the board has them; until policy answers, false (fail closed). */
  sync(): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    // One question at a time: a slower, older answer must not overwrite a newer one.
    this.syncing ??= this.askPolicy().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async askPolicy(): Promise<boolean> {
    const heard: AnyMessage[] = [];
    this.heardDuringSync = heard;
    try {
      const { switches } = await this.bus.query(createMessage('ListKillSwitches', {}, { tenant: SYSTEM_TENANT, actor: this.actor }), 2_000);
      // Added to, never cleared: policy's list can lag its own facts (another replica's view, a failover), and a
      // switch the board heard of must not be dropped by an answer that does not know it yet (fail closed).
      switches.forEach((kill) => this.active.set(keyOf(kill), kill));
      heard.forEach((fact) => this.apply(fact));
      this.synced = true;
    } catch {
      // policy not up yet: the next planning round or run start asks again
    } finally {
      this.heardDuringSync = undefined;
    }
    return this.synced;
  }

  get switches(): ActiveKillSwitch[] {
    return [...this.active.values()];
  }

  stop(): void {
    this.subscriptions.forEach((s) => s.unsubscribe());
  }

  private apply(message: AnyMessage): void {
    if (message.type === 'KillSwitchActivated') this.active.set(keyOf(message.payload), { ...message.payload, activatedAt: message.occurredAt, activatedBy: `${message.actor.kind}:${message.actor.id}` });
    if (message.type === 'KillSwitchReleased') this.active.delete(keyOf(message.payload));
  }
}
