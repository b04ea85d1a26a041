import { connect, type ConnectionOptions, type JetStreamClient, type JetStreamManager, type KV, type KvOptions, type NatsConnection } from 'nats';
import { Lazy } from './lazy';

export interface NatsSettings {
  servers: string | string[];
  /** Shown in the server's connection list, e.g. "orchestrator". */
  name: string;
  user?: string;
  pass?: string;
}

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/** Connection settings from the environment: NATS_URL (comma-separated), NATS_USER, NATS_PASS. */
export function natsSettingsFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): NatsSettings {
  return {
    servers: (env.NATS_URL ?? DEFAULT_NATS_URL).split(',').map((s) => s.trim()),
    name,
    ...(env.NATS_USER ? { user: env.NATS_USER, pass: env.NATS_PASS } : {}),
  };
}

/**
 * One NATS connection per process, shared by the transport's server and client sides,
 * opened on first use. Reconnects forever: a service outlives a NATS restart.
 */
export class NatsConnector {
  private readonly connection = new Lazy<NatsConnection>(() =>
    connect({
      servers: this.settings.servers,
      name: this.settings.name,
      user: this.settings.user,
      pass: this.settings.pass,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    } satisfies ConnectionOptions),
  );
  private readonly manager = new Lazy<JetStreamManager>(async () => (await this.connection$()).jetstreamManager());
  private readonly buckets = new Map<string, Lazy<KV>>();

  constructor(readonly settings: NatsSettings) {}

  connection$(): Promise<NatsConnection> {
    return this.connection.get();
  }

  async jetstream(): Promise<JetStreamClient> {
    return (await this.connection$()).jetstream();
  }

  manager$(): Promise<JetStreamManager> {
    return this.manager.get();
  }

  /** A JetStream KV bucket, created on first use with these options. */
  kv(bucket: string, options: Partial<KvOptions> = {}): Promise<KV> {
    let kv = this.buckets.get(bucket);
    if (!kv) {
      kv = new Lazy(async () => (await this.jetstream()).views.kv(bucket, options));
      this.buckets.set(bucket, kv);
    }
    return kv.get();
  }

  /** Drains the connection (flushes pending publishes and lets subscriptions finish), once. */
  async close(): Promise<void> {
    const pending = this.connection.peek();
    this.connection.reset();
    this.manager.reset();
    this.buckets.clear();
    if (!pending) return;
    const nc = await pending;
    if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
  }
}
