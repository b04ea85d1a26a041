import type { Origin } from '@agentos/contracts';
import { JetStreamClientProxy, NatsConnector } from '@agentos/messaging';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { GatewayContext } from '../gateway-context';
import type { GatewayPrincipal } from './gateway-tokens';

interface Link {
  connector: NatsConnector;
  client: JetStreamClientProxy;
}

/**
 * The bus as a request's principal. With NATS auth, each principal's commands and queries go out on a connection
 * opened with that principal's own creds (one per principal, opened on first use), so the broker, not the gateway,
 * decides what it may publish, under which tenant and principal token, and which replies and facts it may hear:
 * a bug or a forged header in the gateway cannot make a submitter approve or reach another tenant. The gateway's
 * own user may send no command at all. Without auth (development) everything shares the gateway's connection.
 */
@Injectable()
export class PrincipalBus implements OnModuleDestroy {
  private readonly links = new Map<string, Link>();
  private readonly shared: Link;

  constructor(private readonly context: GatewayContext) {
    this.shared = { connector: context.connector, client: new JetStreamClientProxy(context.connector) };
  }

  client(principal: GatewayPrincipal): JetStreamClientProxy {
    return this.link(principal).client;
  }

  connection(principal: GatewayPrincipal): Promise<NatsConnection> {
    return this.link(principal).connector.connection$();
  }

  /** The envelope's tenant and actor: the principal's, which its subject tokens (and so NATS) must agree with. */
  origin(principal: GatewayPrincipal, id?: string): Origin {
    return { tenant: principal.tenant, actor: { kind: 'user', id: principal.name }, ...(id ? { id } : {}) };
  }

  private link(principal: GatewayPrincipal): Link {
    if (!principal.creds) return this.shared;
    let link = this.links.get(principal.name);
    if (!link) {
      const { settings } = this.context.connector;
      const connector = new NatsConnector({ servers: settings.servers, name: `gateway:${principal.name}`, creds: principal.creds }, this.context.log);
      link = { connector, client: new JetStreamClientProxy(connector) };
      this.links.set(principal.name, link);
    }
    return link;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.links.values()].map((link) => link.client.close()));
  }
}
