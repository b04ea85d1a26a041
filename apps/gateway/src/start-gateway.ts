import 'reflect-metadata';
import { effectiveSettings, parseSettings } from '@agentos/config';
import { NatsConnector, natsSettingsOf, startTracing } from '@agentos/messaging';
import { PinoNestLogger, Readiness, createLogger } from '@agentos/service-host';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { GatewayAccess } from './access/gateway-access';
import { GatewayContext } from './gateway-context';
import { GatewayModule } from './gateway.module';
import { DEFAULT_GATEWAY_PORT, gatewaySettings } from './gateway.settings';
import { ProblemFilter } from './http/problem.filter';
import { openApiDocument } from './openapi';

export interface RunningGateway {
  app: INestApplication;
  /** http://host:port */
  url: string;
  close(): Promise<void>;
}

export interface StartGatewayOptions {
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  /** Leave signal handling to the caller (tests run the gateway in their process). */
  handleSignals?: boolean;
}

/**
 * Boots the HTTP gateway: its settings (or a SettingsError naming each bad variable), its tokens file (checked
 * against each principal's creds), its own NATS connection (the idempotency bucket must exist: `agentos bootstrap`),
 * then the HTTP server with /openapi.json, /livez and /readyz. Like the services, it logs `service.started` and
 * drains on SIGTERM.
 */
export async function startGateway(options: StartGatewayOptions = {}): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const settings = parseSettings(gatewaySettings, env);
  startTracing(env);
  const log = options.log ?? createLogger('gateway', settings.LOG_LEVEL);
  log.info({ event: 'service.config', settings: effectiveSettings(gatewaySettings, settings) }, 'gateway configuration');
  const access = GatewayAccess.from(settings);
  if (access.mode === 'insecure') log.warn({ event: 'http.insecure' }, 'AGENTOS_INSECURE=1: every gateway route is open, acting as the platform operator');
  const connector = new NatsConnector(natsSettingsOf('gateway', settings), log);
  const readiness = new Readiness();
  const context = new GatewayContext(log, access, connector, readiness);
  // Nest's body parser is off: routes read their bodies themselves, so every refusal is a problem+json of ours.
  const app = await NestFactory.create(GatewayModule.with(context, env), { bodyParser: false, logger: new PinoNestLogger(log) });
  app.useGlobalFilters(new ProblemFilter(log));
  const document = openApiDocument(app);
  app.getHttpAdapter().get('/openapi.json', (_request: unknown, response: { json(body: unknown): void }) => response.json(document));
  await app.listen(settings.AGENTOS_GATEWAY_PORT ?? DEFAULT_GATEWAY_PORT, settings.AGENTOS_GATEWAY_HOST);
  const url = `http://${settings.AGENTOS_GATEWAY_HOST}:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
  const close = async () => {
    readiness.markDraining();
    await app.close();
    await connector.close();
  };
  try {
    readiness.watch(await connector.connection$());
    await connector.kv('agentos_idempotency');
  } catch (error) {
    await close();
    throw error;
  }
  readiness.markStarted();
  log.info({ event: 'service.started', url, access: access.mode, nats: connector.settings.servers }, 'gateway started');
  if (options.handleSignals ?? true) exitCleanlyOnSignal(close, log);
  return { app, url, close };
}

function exitCleanlyOnSignal(close: () => Promise<void>, log: Logger): void {
  const shutdown = (signal: NodeJS.Signals) => {
    process.once(signal, () => process.exit(1));
    log.info({ event: 'service.stopping', signal }, 'draining');
    close().then(
      () => process.exit(0),
      (error: Error) => {
        log.error({ err: error }, 'unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

/** Entry point of main.ts: start, or log why not and exit non-zero. */
export function runGateway(): void {
  startGateway().catch((error: Error) => {
    createLogger('gateway').fatal({ err: error }, 'gateway failed to start');
    process.exit(1);
  });
}
