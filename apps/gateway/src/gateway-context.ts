import type { NatsConnector } from '@agentos/messaging';
import type { Readiness } from '@agentos/service-host';
import type { Logger } from 'pino';
import type { GatewayAccess } from './access/gateway-access';
import type { GatewaySettings } from './gateway.settings';

/** What the gateway's providers share: its settings, log, access table, readiness and its own NATS connection. */
export class GatewayContext {
  constructor(
    readonly settings: GatewaySettings,
    readonly log: Logger,
    readonly access: GatewayAccess,
    readonly connector: NatsConnector,
    readonly readiness: Readiness,
  ) {}
}
