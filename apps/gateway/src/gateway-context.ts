import type { NatsConnector } from '@agentos/messaging';
import type { Readiness } from '@agentos/service-host';
import type { Logger } from 'pino';
import type { GatewayAccess } from './access/gateway-access';

/** What the gateway's providers share: its log, access table, its own NATS connection and readiness. */
export class GatewayContext {
  constructor(
    readonly log: Logger,
    readonly access: GatewayAccess,
    readonly connector: NatsConnector,
    readonly readiness: Readiness,
  ) {}
}
