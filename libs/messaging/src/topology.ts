import { BUCKETS, STREAMS, type BucketName, type BucketSpec, type StreamName } from '@agentos/contracts';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  nanos,
  type ConsumerConfig,
  type JetStreamManager,
  type KvOptions,
  type StreamConfig,
} from 'nats';

export interface TopologyOptions {
  /** JetStream replicas (AGENTOS_STREAM_REPLICAS); 3 on a cluster. Unset: 1 for a new stream, unchanged for an existing one. */
  replicas?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long JetStream remembers message ids for de-duplication (a re-published command or append is a no-op). */
const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;

/** The embedded event store's stream (libs/event-store), one subject `agentos.es.<stream>` per event-store stream. */
export const EVENT_STORE_STREAM = 'AGENTOS_EVENT_STORE';
export const EVENT_STORE_SUBJECT_PREFIX = 'agentos.es';

export const isStreamNotFound = (error: unknown) => /not found/i.test(String((error as Error)?.message));

export type StreamSettings = Partial<StreamConfig> & { name: string };

/** Stated, so that a check notices a stream capped by count or size (the dead letters or the audit log cut short). */
const UNCAPPED = { max_msgs: -1, max_bytes: -1 };

const withReplicas = ({ replicas }: TopologyOptions) => (replicas ? { num_replicas: replicas } : {});

/** The settings of each stream of the contracts table. */
export function contractStreamSettings(options: TopologyOptions = {}): StreamSettings[] {
  return Object.entries(STREAMS).map(([name, spec]) => {
    const maxAgeMs = 'maxAgeMs' in spec ? spec.maxAgeMs : 30 * DAY_MS;
    return {
      name,
      subjects: [...spec.subjects],
      description: spec.description,
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      ...UNCAPPED,
      ...withReplicas(options),
      // The server refuses a de-duplication window longer than the stream keeps messages.
      duplicate_window: nanos(Math.min(maxAgeMs, DUPLICATE_WINDOW_MS)),
      max_age: nanos(maxAgeMs),
    };
  });
}

/** The event store's stream: kept for ever (it is the audit log). */
export function eventStoreStreamSettings(options: TopologyOptions = {}): StreamSettings {
  return {
    name: EVENT_STORE_STREAM,
    subjects: [`${EVENT_STORE_SUBJECT_PREFIX}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    ...UNCAPPED,
    ...withReplicas(options),
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
  };
}

/** The stream behind a KV bucket, as far as the BUCKETS table sets it. */
export function bucketStreamSettings(bucket: BucketName, options: TopologyOptions = {}): StreamSettings {
  const spec: BucketSpec = BUCKETS[bucket];
  return { name: `KV_${bucket}`, max_msgs_per_subject: spec.history, max_age: nanos(spec.ttlMs ?? 0), ...withReplicas(options) };
}

/** A KV bucket's options for nats.js, from the BUCKETS table. */
export function bucketOptions(bucket: BucketName, options: TopologyOptions = {}): Partial<KvOptions> {
  const spec: BucketSpec = BUCKETS[bucket];
  return { history: spec.history, description: spec.description, ...(spec.ttlMs ? { ttl: spec.ttlMs } : {}), ...(options.replicas ? { replicas: options.replicas } : {}) };
}

/**
 * The settings of `expected` that `actual` does not have, e.g. ["max_msgs: 1 (expected -1)"]. Only the
 * fields `expected` gives are compared: the server fills in the rest.
 */
export function settingDifferences(actual: Partial<StreamConfig>, expected: Partial<StreamConfig>): string[] {
  return Object.entries(expected)
    .filter(([key, value]) => key !== 'name' && JSON.stringify(actual[key as keyof StreamConfig]) !== JSON.stringify(value))
    .map(([key, value]) => `${key}: ${JSON.stringify(actual[key as keyof StreamConfig])} (expected ${JSON.stringify(value)})`);
}

export type EnsureOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Creates or updates a stream so that it has these settings (a changed `num_replicas` scales it). Without
 * `num_replicas` an existing stream keeps its count. For `agentos bootstrap` (the admin): services only check.
 */
export async function ensureStream(jsm: JetStreamManager, settings: StreamSettings): Promise<EnsureOutcome> {
  try {
    const { config } = await jsm.streams.info(settings.name);
    if (settingDifferences(config, settings).length === 0) return 'unchanged';
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    try {
      await jsm.streams.add(settings);
      return 'created';
    } catch (raceError) {
      // Another bootstrap created it between our look-up and add: fall through to update.
      if (!/already in use/i.test(String((raceError as Error).message))) throw raceError;
    }
  }
  // nats.js merges the given fields into the stream's current configuration.
  await jsm.streams.update(settings.name, settings);
  return 'updated';
}

export interface DurableConsumerSpec {
  stream: StreamName;
  durable: string;
  filterSubject: string;
  ackWaitMs: number;
  maxAckPending: number;
  /** The server deletes the consumer after this long without a pull (per-instance consumers). */
  inactiveThresholdMs?: number;
  /** Only messages stored from its creation on (default: the whole stream). */
  fromNow?: boolean;
}

/**
 * A durable pull consumer shared by every instance of a service. Redelivery limits are enforced by
 * the worker (which dead-letters), so the server never silently drops a message after max_deliver.
 */
export async function ensureDurableConsumer(jsm: JetStreamManager, spec: DurableConsumerSpec): Promise<void> {
  const config: Partial<ConsumerConfig> = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: spec.fromNow ? DeliverPolicy.New : DeliverPolicy.All,
    filter_subject: spec.filterSubject,
    ack_wait: nanos(spec.ackWaitMs),
    max_ack_pending: spec.maxAckPending,
    max_deliver: -1,
    ...(spec.inactiveThresholdMs ? { inactive_threshold: nanos(spec.inactiveThresholdMs) } : {}),
  };
  try {
    await jsm.consumers.info(spec.stream, spec.durable);
    await jsm.consumers.update(spec.stream, spec.durable, config);
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    await jsm.consumers.add(spec.stream, config);
  }
}
