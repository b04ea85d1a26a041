import type { AgentDescriptor, AgentInstance, PayloadOf } from '@agentos/contracts';
import { listKeys, updateKv, type NatsConnector } from '@agentos/messaging';
import type { KV } from 'nats';
import { createHash } from 'node:crypto';

const BUCKET = 'agentos_registry';

type Heartbeat = PayloadOf<'AgentHeartbeatSent'>;

/**
 * The registry's catalogue in a JetStream KV bucket, so every registry instance sees the same
 * agents and the catalogue survives restarts. One entry per agent instance, with its liveness:
 * every change is a compare-and-set, so two registry instances never both declare one down.
 */
export class AgentCatalogue {
  constructor(private readonly connector: NatsConnector) {}

  private kv(): Promise<KV> {
    return this.connector.kv(BUCKET, { history: 1 });
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
    const kv = await this.kv();
    const found: AgentInstance[] = [];
    for (const key of await listKeys(kv, query.name ? `${query.name}.*` : '>')) {
      const entry = await kv.get(key);
      if (!entry || entry.operation !== 'PUT') continue;
      const agent = entry.json<AgentInstance>();
      if (!query.includeDown && agent.status !== 'up') continue;
      if (!query.capability || agent.capabilities.includes(query.capability)) found.push(agent);
    }
    return found.sort((a, b) => a.name.localeCompare(b.name) || a.instanceId.localeCompare(b.instanceId));
  }
}
