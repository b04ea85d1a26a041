import 'reflect-metadata';
import { EventRecorder } from '@agentos/decider';
import { EVENT_STORE, eventStoreFromEnv, type EventStore } from '@agentos/event-store';
import { effectiveSettings, parseSettings, type SettingsSchema } from '@agentos/config';
import { JetStreamClientProxy, JetStreamServer, NatsConnector, PermanentFailureFilter, natsSettingsOf, startTracing, type RetryPolicy } from '@agentos/messaging';
import { hostname } from 'node:os';
import { Global, Module, type DynamicModule, type INestMicroservice, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { eventStoreKeysOf } from './event-store-keys';
import { startHealthServer } from './health';
import { ReplicaPresence } from './presence';
import { PinoNestLogger, createLogger } from './logger';
import { Readiness } from './readiness';
import { ServiceContext } from './service-context';
import { serviceSettings, type ServiceSettings } from './service-settings';

export interface ServiceDefinition {
  name: string;
  module: Type<unknown> | DynamicModule;
  /** The app's variables: serviceSettings extended with its own (default: serviceSettings). */
  settings?: SettingsSchema & z.ZodType<ServiceSettings>;
  /**
   * The service's replicas each write their own event-store streams (the orchestrator: the runs of its partitions),
   * so each reads them from memory; a write on a stale view is refused by the stream's expected revision.
   */
  soleWriter?: boolean;
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
 * Boots a service on the JetStream transport: its settings parsed (or a SettingsError naming each bad
 * variable) and logged once with secrets redacted, one NATS connection shared by its handlers and its
 * bus, a structured start line, and a clean exit on SIGTERM/SIGINT (stop pulling, finish in-flight
 * messages, drain the connection).
 */
export async function startService(definition: ServiceDefinition, options: StartServiceOptions = {}): Promise<INestMicroservice> {
  const env = options.env ?? process.env;
  const schema = definition.settings ?? serviceSettings;
  const settings = parseSettings(schema, env);
  startTracing(env);
  const log = options.log ?? createLogger(definition.name, settings.LOG_LEVEL);
  log.info({ event: 'service.config', settings: effectiveSettings(schema, settings) }, `${definition.name} configuration`);
  const nats = natsSettingsOf(definition.name, settings);
  const connector = new NatsConnector(nats, log);
  const eventStoreKeys = await eventStoreKeysOf(definition.name, env, connector, log, settings.AGENTOS_DATA_KEY_PERIOD);
  const readiness = new Readiness();
  // Up before the app, so /livez answers while it connects and starts its consumers (/readyz: 503 until then).
  const health = settings.AGENTOS_HEALTH_PORT === undefined ? undefined : await startHealthServer(settings.AGENTOS_HEALTH_PORT, settings.AGENTOS_HEALTH_HOST, () => readiness.state());
  const holder = settings.AGENTOS_INSTANCE_ID ?? `${hostname()}-${process.pid}`;
  const presence = new ReplicaPresence(() => connector.kv('agentos_replicas'), { service: definition.name, instance: holder }, readiness, log);
  readiness.watch(await connector.connection$());
  // Seen by `agentos cluster` from the start.
  presence.start();
  const context = new ServiceContext(definition.name, env, log, settings, holder);
  const root: DynamicModule = {
    module: ServiceRootModule,
    global: true,
    providers: [
      { provide: ServiceContext, useValue: context },
      { provide: JetStreamClientProxy, useValue: new JetStreamClientProxy(connector) },
      // EventStoreDB when ESDB_URL is set, else the embedded JetStream store on this connection; appends signed with the
      // service's key, tenant data sealed with the tenant's key.
      { provide: EVENT_STORE, useFactory: () => eventStoreFromEnv(env, connector, { ...eventStoreKeys, soleWriter: definition.soleWriter === true }) },
      // The one record path (append, then publish) of every handler of this service.
      {
        provide: EventRecorder,
        inject: [EVENT_STORE, JetStreamClientProxy],
        useFactory: (store: EventStore, bus: JetStreamClientProxy) =>
          new EventRecorder({ store, publish: (events) => bus.publishAll(events) }, (error, events) => log.error({ err: error, events: events.map((e) => e.id) }, 'recorded events not published')),
      },
      // Nest calls this on app.close(): the health port is freed with the app.
      { provide: 'HEALTH_SERVER', useValue: { onApplicationShutdown: () => health?.close() } },
    ],
    exports: [ServiceContext, JetStreamClientProxy, EVENT_STORE, EventRecorder],
    imports: [definition.module],
  };
  try {
    const app = await NestFactory.createMicroservice(root, {
      strategy: new JetStreamServer({
        connector,
        service: definition.name,
        log,
        retry: options.retry,
        ackWaitMs: options.ackWaitMs,
        // Once the handlers are done, the service's last words (handing leases on) and the replica entry's removal, on
        // the connection still open.
        beforeDisconnect: async () => {
          await context.disconnecting();
          await presence.stop();
        },
      }),
      logger: new PinoNestLogger(log),
      bufferLogs: false,
    });
    // Permanent failures (an invalid payload, a stack overflow on a deep input) are parked at once, not retried as "Internal server error".
    app.useGlobalFilters(new PermanentFailureFilter());
    await app.listen();
    readiness.markStarted();
    void presence.renew();
    log.info({ event: 'service.started', nats: nats.servers, replicas: nats.replicas, ...(health ? { health: health.url } : {}) }, `${definition.name} started`);
    if (options.handleSignals ?? true) exitCleanlyOnSignal(app, log, readiness);
    return app;
  } catch (error) {
    await health?.close();
    await presence.stop();
    throw error;
  }
}

/** Stop pulling, finish in-flight messages, drain NATS, then exit 0 (a second signal exits at once). */
function exitCleanlyOnSignal(app: INestMicroservice, log: Logger, readiness: Readiness): void {
  const shutdown = (signal: NodeJS.Signals) => {
    process.once(signal, () => process.exit(1));
    log.info({ event: 'service.stopping', signal }, 'draining');
    readiness.markDraining();
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
