import type { PayloadOf } from '@agentos/contracts';
import type { NatsConnector } from '@agentos/messaging';
import type { KV } from 'nats';

const BUCKET = 'agentos_memory';

export interface StoredValue {
  value: unknown;
  writtenBy: string;
  causationId: string | null;
  writtenAt: string;
}

type Address = PayloadOf<'GetMemory'> & { tenant: string };

/**
 * Memory in a JetStream KV bucket: persistent across restarts of the service and of NATS, shared by
 * all instances. The tenant is the first key segment, so no lookup can cross tenants.
 */
export class MemoryStore {
  constructor(private readonly connector: NatsConnector) {}

  private kv(): Promise<KV> {
    return this.connector.kv(BUCKET, { history: 5 });
  }

  private static key({ tenant, scope, scopeId, key }: Address): string {
    return `${tenant}.${scope}.${scopeId}.${key}`;
  }

  async put(address: Address, stored: StoredValue): Promise<number> {
    return (await this.kv()).put(MemoryStore.key(address), JSON.stringify(stored));
  }

  async get(address: Address): Promise<(StoredValue & { revision: number }) | undefined> {
    const entry = await (await this.kv()).get(MemoryStore.key(address));
    if (!entry || entry.operation !== 'PUT') return undefined;
    return { ...entry.json<StoredValue>(), revision: entry.revision };
  }
}
