import { flag, list, parseSettings, text, wholeNumber } from '@agentos/config';
import type { BucketName } from '@agentos/contracts';
import { decode } from 'nats-jwt';
import { connect, credsAuthenticator, type ConnectionOptions, type JetStreamClient, type JetStreamManager, type KV, type NatsConnection } from 'nats';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Lazy } from './lazy';
import { silentLog, type Log } from './log';
import { requireStream } from './stream-check';
import { bucketOptions, bucketStreamSettings } from './topology';

export interface NatsSettings {
  servers: string | string[];
  /** Shown in the server's connection list, e.g. "orchestrator". */
  name: string;
  /**
   * A NATS credentials file (user JWT and seed, issued by libs/identity, `agentos principals add`). Unset: no
   * authentication, for a server without auth.
   */
  creds?: string;
  /**
   * JetStream replicas of the streams and KV buckets this process creates where it may (development, auth
   * off). Existing ones are never changed by a process: `agentos bootstrap --replicas` scales them.
   */
  replicas?: number;
  /**
   * Prefix of this connection's reply subjects (request/reply, JetStream acks and pulls). Defaults to
   * `_INBOX.<user>` for the user of the creds file, so the server can confine each user to its own replies.
   */
  inboxPrefix?: string;
  /**
   * Whether a request or JetStream publish that times out says where it was made (NATS_ASYNC_TRACES=1; off by
   * default: nats.js then captures two stacks for every request, about a tenth of an intent's CPU).
   */
  asyncTraces?: boolean;
}

/** `_INBOX.<user>` when the user name is one subject token, else NATS' default `_INBOX`. */
export function inboxPrefixFor(user?: string): string {
  return user && /^[A-Za-z0-9_-]+$/.test(user) ? `_INBOX.${user}` : '_INBOX';
}

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/** For connections made without settings from the environment (test harnesses): NATS_ASYNC_TRACES=1 turns traces on. */
const ASYNC_TRACES_BY_DEFAULT = process.env.NATS_ASYNC_TRACES === '1';

/** JetStream keeps at most 5 copies of a stream. */
export const MAX_STREAM_REPLICAS = 5;

/**
 * The connection's environment variables: NATS_URL (comma-separated), NATS_CREDS (a credentials file's path),
 * AGENTOS_STREAM_REPLICAS (1, the default, on a single server; 3 on a 3-node cluster), NATS_ASYNC_TRACES (see NatsSettings).
 */
export const natsEnvironment = z.object({
  NATS_URL: list([DEFAULT_NATS_URL]),
  NATS_CREDS: text(),
  AGENTOS_STREAM_REPLICAS: wholeNumber(1, { min: 1, max: MAX_STREAM_REPLICAS }),
  NATS_ASYNC_TRACES: flag,
});

/** Connection settings from already parsed variables (a service's settings extend natsEnvironment). */
export function natsSettingsOf(name: string, settings: z.output<typeof natsEnvironment>): NatsSettings {
  return {
    servers: settings.NATS_URL,
    name,
    ...(settings.NATS_CREDS ? { creds: settings.NATS_CREDS } : {}),
    replicas: settings.AGENTOS_STREAM_REPLICAS,
    ...(settings.NATS_ASYNC_TRACES ? { asyncTraces: true } : {}),
  };
}

/** Who a creds file's user JWT says it is: its `name` (the principal's user) and its tags (`tenant:acme`, `role:submitter`, …). */
export function credsClaims(creds: string): { name: string; tags: string[] } {
  const jwt = /-----BEGIN NATS USER JWT-----\s*(\S+)\s*------END NATS USER JWT------/.exec(readFileSync(creds, 'utf8'))?.[1];
  if (!jwt) throw new Error(`${creds} is not a NATS credentials file (no user JWT in it)`);
  const claims = decode<{ tags?: string[] }>(jwt);
  return { name: claims.name, tags: claims.nats?.tags ?? [] };
}

/** The user name a creds file's JWT carries (its `name` claim): the principal's user, e.g. "orchestrator". */
export const credsUser = (creds: string): string => credsClaims(creds).name;

/** Connection settings from the environment (natsEnvironment); throws a SettingsError naming a bad variable. */
export function natsSettingsFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): NatsSettings {
  return natsSettingsOf(name, parseSettings(natsEnvironment, env));
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
      ...(this.settings.creds ? { authenticator: credsAuthenticator(readFileSync(this.settings.creds)) } : {}),
      inboxPrefix: this.settings.inboxPrefix ?? inboxPrefixFor(this.settings.creds && credsUser(this.settings.creds)),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      noAsyncTraces: !(this.settings.asyncTraces ?? ASYNC_TRACES_BY_DEFAULT),
    } satisfies ConnectionOptions),
  );
  private readonly manager = new Lazy<JetStreamManager>(async () => (await this.connection$()).jetstreamManager());
  private readonly buckets = new Map<string, Lazy<KV>>();

  /** `log` hears about streams and buckets that differ from AgentOS' settings. */
  constructor(readonly settings: NatsSettings, readonly log: Log = silentLog) {}

  connection$(): Promise<NatsConnection> {
    return this.connection.get();
  }

  async jetstream(): Promise<JetStreamClient> {
    return (await this.connection$()).jetstream();
  }

  manager$(): Promise<JetStreamManager> {
    return this.manager.get();
  }

  /**
   * A KV bucket of the BUCKETS table, checked on first use (see requireStream: created only where
   * this process may, never changed).
   */
  kv(bucket: BucketName): Promise<KV> {
    let kv = this.buckets.get(bucket);
    if (!kv) {
      kv = new Lazy(async () => {
        const js = await this.jetstream();
        const options = bucketOptions(bucket, { replicas: this.settings.replicas });
        await requireStream(await this.manager$(), { settings: bucketStreamSettings(bucket), create: () => js.views.kv(bucket, options) }, this.log);
        // It exists now, so nats.js only looks it up.
        return js.views.kv(bucket, options);
      });
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
