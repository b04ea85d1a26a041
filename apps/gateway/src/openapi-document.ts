import { NatsConnector } from '@agentos/messaging';
import { Readiness, createLogger } from '@agentos/service-host';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { GatewayAccess } from './access/gateway-access';
import { GatewayContext } from './gateway-context';
import { GatewayModule } from './gateway.module';
import { gatewaySettings } from './gateway.settings';
import { openApiDocument } from './openapi';

/**
 * The gateway's OpenAPI document without running it (for `npm run wire`): the app is built, never listens, and
 * never connects (its NATS connection opens on first use).
 */
export async function buildOpenApiDocument(): Promise<OpenAPIObject> {
  const settings = gatewaySettings.parse({});
  const log = createLogger('gateway', 'silent');
  const context = new GatewayContext(log, GatewayAccess.from(settings), new NatsConnector({ servers: settings.NATS_URL, name: 'openapi' }), new Readiness());
  const app = await NestFactory.create(GatewayModule.with(context, {}), { bodyParser: false, logger: false });
  try {
    return openApiDocument(app);
  } finally {
    await app.close();
  }
}
