import type { Origin } from '@agentos/contracts';
import { PrincipalLinks, type JetStreamClientProxy } from '@agentos/messaging';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { GatewayContext } from '../gateway-context';
import type { GatewayPrincipal } from './gateway-tokens';

/**
 * The bus as a request's principal (PrincipalLinks: its own creds' connection, so the broker decides what it may
 * do). The gateway's own user may send no command at all.
 */
@Injectable()
export class PrincipalBus implements OnModuleDestroy {
  private readonly links: PrincipalLinks;

  constructor(context: GatewayContext) {
    this.links = new PrincipalLinks(context.connector, 'gateway', context.log);
  }

  client(principal: GatewayPrincipal): JetStreamClientProxy {
    return this.links.client(principal);
  }

  connection(principal: GatewayPrincipal): Promise<NatsConnection> {
    return this.links.connection(principal);
  }

  /** The envelope's tenant and actor: the principal's, which its subject tokens (and so NATS) must agree with. */
  origin(principal: GatewayPrincipal, id?: string): Origin {
    return { tenant: principal.tenant, actor: { kind: 'user', id: principal.name }, ...(id ? { id } : {}) };
  }

  onModuleDestroy(): Promise<void> {
    return this.links.close();
  }
}
