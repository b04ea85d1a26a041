import type { AgentDescriptor } from '@agentos/contracts';
import { listKeys, type NatsConnector } from '@agentos/messaging';
import type { KV } from 'nats';
import { createHash } from 'node:crypto';

const BUCKET = 'agentos_registry';

/**
 * The registry's catalogue in a JetStream KV bucket, so every registry instance sees the same
 * agents and the catalogue survives restarts. One entry per agent instance.
 */
export class AgentCatalogue {
  constructor(private readonly connector: NatsConnector) {}

  private kv(): Promise<KV> {
    return this.connector.kv(BUCKET, { history: 1 });
  }

  private static key(agent: AgentDescriptor): string {
    // Versions have dots and instance ids are free text: hash them into one KV-safe token.
    const suffix = createHash('sha256').update(`${agent.version}\u0000${agent.instanceId}`).digest('hex').slice(0, 24);
    return `${agent.name}.${suffix}`;
  }

  async put(agent: AgentDescriptor): Promise<void> {
    await (await this.kv()).put(AgentCatalogue.key(agent), JSON.stringify(agent));
  }

  async find(query: { capability?: string; name?: string }): Promise<AgentDescriptor[]> {
    const kv = await this.kv();
    const found: AgentDescriptor[] = [];
    for (const key of await listKeys(kv, query.name ? `${query.name}.*` : '>')) {
      const entry = await kv.get(key);
      if (!entry || entry.operation !== 'PUT') continue;
      const agent = entry.json<AgentDescriptor>();
      if (!query.capability || agent.capabilities.includes(query.capability)) found.push(agent);
    }
    return found.sort((a, b) => a.name.localeCompare(b.name) || a.instanceId.localeCompare(b.instanceId));
  }
}
