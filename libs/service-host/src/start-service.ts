import 'reflect-metadata';
import { EVENT_STORE, eventStoreFromEnv } from '@agentos/event-store';
import { JetStreamClientProxy, JetStreamServer, NatsConnector, PermanentFailureFilter, natsSettingsFromEnv, startTracing, type RetryPolicy } from '@agentos/messaging';
import { Global, Module, type DynamicModule, type INestMicroservice, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { startHealthServer, type HealthServer } from './health';
import { PinoNestLogger, createLogger } from './logger';
import { ServiceContext } from './service-context';

export interface ServiceDefinition {
  name: string;
  module: Type<unknown> | DynamicModule;
}

export interface StartServiceOptions {
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  retry?: Partial<RetryPolicy>;
  ackWaitMs?: number;
  /** Leave signal handling to the caller (tests run several services in one process). */
  handleSignals?: boolean;
}

@Global()
@Module({})
class ServiceRootModule {}

/**
 * Boots a service on the JetStream transport: one NATS connection shared by its handlers and its
 * bus, a structured start line, and a clean exit on SIGTERM/SIGINT (stop pulling, finish in-flight
 * messages, drain the connection).
 */
export async function startService(definition: ServiceDefinition, options: StartServiceOptions = {}): Promise<INestMicroservice> {
  const env = options.env ?? process.env;
  startTracing(env);
  const log = options.log ?? createLogger(definition.name, env);
  const settings = natsSettingsFromEnv(definition.name, env);
  const connector = new NatsConnector(settings, log);
  const root: DynamicModule = {
    module: ServiceRootModule,
    global: true,
    providers: [
      { provide: ServiceContext, useValue: new ServiceContext(definition.name, env, log) },
      { provide: JetStreamClientProxy, useValue: new JetStreamClientProxy(connector) },
      // EventStoreDB when ESDB_URL is set, else the embedded JetStream store on this connection.
      { provide: EVENT_STORE, useFactory: () => eventStoreFromEnv(env, connector) },
    ],
    exports: [ServiceContext, JetStreamClientProxy, EVENT_STORE],
    imports: [definition.module],
  };
  const app = await NestFactory.createMicroservice(root, {
    strategy: new JetStreamServer({ connector, service: definition.name, log, retry: options.retry, ackWaitMs: options.ackWaitMs }),
    logger: new PinoNestLogger(log),
    bufferLogs: false,
  });
  // Permanent failures (an invalid payload, a stack overflow on a deep input) are parked at once, not retried as "Internal server error".
  app.useGlobalFilters(new PermanentFailureFilter());
  await app.listen();
  let connected: NatsConnection | undefined;
  connector.connection$().then((nc) => (connected = nc), () => undefined);
  // AGENTOS_HEALTH_PORT (0 picks a free one) serves /livez and /readyz for container platforms.
  const health =
    env.AGENTOS_HEALTH_PORT === undefined
      ? undefined
      : await startHealthServer(Number(env.AGENTOS_HEALTH_PORT), env.AGENTOS_HEALTH_HOST ?? '0.0.0.0', () => connected);
  log.info({ event: 'service.started', nats: settings.servers, replicas: settings.replicas, ...(health ? { health: health.url } : {}) }, `${definition.name} started`);
  if (options.handleSignals ?? true) exitCleanlyOnSignal(app, log, health);
  return app;
}

/** Stop pulling, finish in-flight messages, drain NATS, then exit 0 (a second signal exits at once). */
function exitCleanlyOnSignal(app: INestMicroservice, log: Logger, health?: HealthServer): void {
  const shutdown = (signal: NodeJS.Signals) => {
    process.once(signal, () => process.exit(1));
    log.info({ event: 'service.stopping', signal }, 'draining');
    health?.draining();
    app.close().then(
      () => {
        log.info({ event: 'service.stopped' }, 'stopped');
        process.exit(0);
      },
      (error: Error) => {
        log.error({ err: error }, 'unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

/** Entry point of a service's main.ts: start, or log why not and exit non-zero. */
export function runService(definition: ServiceDefinition): void {
  startService(definition).catch((error: Error) => {
    createLogger(definition.name).fatal({ err: error }, `${definition.name} failed to start`);
    process.exit(1);
  });
}
