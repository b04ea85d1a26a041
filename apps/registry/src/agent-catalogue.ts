import { AgentInstance, type AgentDescriptor, type PayloadOf } from '@agentos/contracts';
import { followKv, updateKv, type NatsConnector } from '@agentos/messaging';
import type { KV } from 'nats';
import { createHash } from 'node:crypto';
import { registryBucket } from './registry-bucket';

type Heartbeat = PayloadOf<'AgentHeartbeatSent'>;

/**
 * The registry's catalogue in a JetStream KV bucket, so every registry instance sees the same
 * agents and the catalogue survives restarts. One entry per agent instance, with its liveness:
 * every change is a compare-and-set, so two registry instances never both declare one down.
 */
export class AgentCatalogue {
  /** A mirror of the bucket, kept by a watch: queries read it instead of listing keys each time. */
  private readonly mirror = new Map<string, AgentInstance>();
  private following?: Promise<{ stop(): void }>;

  constructor(private readonly connector: NatsConnector) {}

  private follow(): Promise<{ stop(): void }> {
    this.following ??= this.kv().then((kv) =>
      // Instance keys are two tokens (`<name>.<hash>`); the ownership claims beside them are three.
      followKv(kv, '*.*', (entry) => {
        // An entry written by an older release (without liveness fields) is ignored until the agent registers again.
        const parsed = entry.operation === 'PUT' ? AgentInstance.safeParse(entry.json()) : undefined;
        if (parsed?.success) this.mirror.set(entry.key, parsed.data);
        else this.mirror.delete(entry.key);
      }),
    );
    this.following.catch(() => (this.following = undefined)); // NATS away at start: follow on the next read
    return this.following;
  }

  /** Nest calls this when the registry stops: the watch would otherwise keep the connection busy. */
  async onModuleDestroy(): Promise<void> {
    (await this.following?.catch(() => undefined))?.stop();
  }

  private kv(): Promise<KV> {
    return registryBucket(this.connector);
  }

  private static key(agent: Pick<AgentDescriptor, 'name' | 'version' | 'instanceId'>): string {
    // Versions have dots: hash version and instance into one KV-safe token.
    const suffix = createHash('sha256').update(`${agent.version}\u0000${agent.instanceId}`).digest('hex').slice(0, 24);
    return `${agent.name}.${suffix}`;
  }

  async register(agent: AgentDescriptor, at: Date): Promise<void> {
    const now = at.toISOString();
    await updateKv<AgentInstance>(await this.kv(), AgentCatalogue.key(agent), (current) => ({ ...agent, status: 'up', registeredAt: current?.registeredAt ?? now, lastSeenAt: now }));
  }

  /** A heartbeat from an instance not (or no longer) catalogued is ignored: it must register first. */
  async heartbeat(beat: Heartbeat, at: Date): Promise<AgentInstance | undefined> {
    const kv = await this.kv();
    const key = AgentCatalogue.key(beat);
    if ((await kv.get(key))?.operation !== 'PUT') return undefined;
    const { after } = await updateKv<AgentInstance>(kv, key, (current) => ({ ...current!, status: 'up', lastSeenAt: at.toISOString() }));
    return after;
  }

  /** Marks an instance down; resolves to it only for the caller whose write did it. */
  async markDown(instance: Pick<AgentDescriptor, 'name' | 'version' | 'instanceId'>, stillDue: (current: AgentInstance) => boolean): Promise<AgentInstance | undefined> {
    const kv = await this.kv();
    const entry = await kv.get(AgentCatalogue.key(instance));
    if (entry?.operation !== 'PUT') return undefined;
    const current = entry.json<AgentInstance>();
    if (current.status === 'down' || !stillDue(current)) return undefined;
    try {
      await kv.update(entry.key, JSON.stringify({ ...current, status: 'down' }), entry.revision);
      return current;
    } catch {
      return undefined; // another registry instance (or a heartbeat) got there first
    }
  }

  async find(query: { capability?: string; name?: string; includeDown?: boolean }): Promise<AgentInstance[]> {
    await this.follow();
    const found = [...this.mirror.values()].filter(
      (agent) => (!query.name || agent.name === query.name) && (query.includeDown || agent.status === 'up') && (!query.capability || agent.capabilities.includes(query.capability)),
    );
    return found.sort((a, b) => a.name.localeCompare(b.name) || a.instanceId.localeCompare(b.instanceId));
  }
}
