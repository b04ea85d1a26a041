import type { Origin } from '@agentos/contracts';
import { EventStoreDbEventStore, JetStreamEventStore, TENANT_MASTER_KEY_SECRET, TenantDataCipher, TenantKeys, type EventStore } from '@agentos/event-store';
import { parseSecretsKey, secretStoreFromEnv } from '@agentos/secrets';
import { JetStreamClientProxy, NatsConnector } from '@agentos/messaging';
import type { CliSettings } from './settings';

/** One CLI invocation's connections, opened lazily and closed at the end. */
export class Session {
  readonly connector: NatsConnector;
  readonly client: JetStreamClientProxy;
  private eventStore?: EventStore;

  constructor(readonly settings: CliSettings) {
    this.connector = new NatsConnector({ servers: settings.natsUrl.split(','), name: 'agentos-cli', ...(settings.natsCreds ? { creds: settings.natsCreds } : {}) });
    this.client = new JetStreamClientProxy(this.connector);
  }

  get origin(): Origin {
    return { tenant: this.settings.tenant, actor: { kind: 'user', id: this.settings.user } };
  }

  /**
   * EventStoreDB when configured, else the embedded JetStream store: tenant data shown in clear when the tenant
   * master key (secret TENANT_MASTER_KEY) is at hand, else (and once a tenant is purged) as [erased].
   */
  get store(): EventStore {
    const master = async () => {
      const text = await secretStoreFromEnv(process.env).get(TENANT_MASTER_KEY_SECRET);
      return text ? parseSecretsKey(text, TENANT_MASTER_KEY_SECRET) : undefined;
    };
    this.eventStore ??= this.settings.esdbUrl
      ? EventStoreDbEventStore.fromConnectionString(this.settings.esdbUrl)
      : new JetStreamEventStore(this.connector, { retryAttempts: 2, tenantData: new TenantDataCipher(new TenantKeys(this.connector, master)) });
    return this.eventStore;
  }

  async close(): Promise<void> {
    await this.eventStore?.close();
    await this.client.close();
  }
}
