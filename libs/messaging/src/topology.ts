import { STREAMS, type StreamName } from '@agentos/contracts';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  nanos,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from 'nats';

export interface TopologyOptions {
  /** JetStream replicas (AGENTOS_STREAM_REPLICAS); 3 on a cluster. Unset: 1 for a new stream, unchanged for an existing one. */
  replicas?: number;
  /** How long JetStream remembers message ids for de-duplication. */
  duplicateWindowMs?: number;
  maxAgeMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

const isNotFound = (error: unknown) => /not found/i.test(String((error as Error)?.message));

/**
 * Creates or updates a stream so that it has exactly this configuration (a changed `num_replicas`
 * scales it). Without `num_replicas` an existing stream keeps its count. Safe to call from every instance.
 */
export async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    await jsm.streams.info(config.name);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    try {
      await jsm.streams.add(config);
      return;
    } catch (raceError) {
      // Another instance created it between our look-up and add: fall through to update.
      if (!/already in use/i.test(String((raceError as Error).message))) throw raceError;
    }
  }
  // nats.js merges the given fields into the stream's current configuration.
  await jsm.streams.update(config.name, config);
}

/** All streams of the contracts table. */
export async function ensureStreams(jsm: JetStreamManager, options: TopologyOptions = {}): Promise<void> {
  for (const [name, spec] of Object.entries(STREAMS)) {
    const maxAgeMs = 'maxAgeMs' in spec ? spec.maxAgeMs : (options.maxAgeMs ?? 30 * DAY_MS);
    await ensureStream(jsm, {
      name,
      subjects: [...spec.subjects],
      description: spec.description,
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      ...(options.replicas ? { num_replicas: options.replicas } : {}),
      // The server refuses a de-duplication window longer than the stream keeps messages.
      duplicate_window: nanos(Math.min(maxAgeMs, options.duplicateWindowMs ?? 10 * 60 * 1000)),
      max_age: nanos(maxAgeMs),
    });
  }
}

export interface DurableConsumerSpec {
  stream: StreamName;
  durable: string;
  filterSubject: string;
  ackWaitMs: number;
  maxAckPending: number;
  /** The server deletes the consumer after this long without a pull (per-instance consumers). */
  inactiveThresholdMs?: number;
}

/**
 * A durable pull consumer shared by every instance of a service. Redelivery limits are enforced by
 * the worker (which dead-letters), so the server never silently drops a message after max_deliver.
 */
export async function ensureDurableConsumer(jsm: JetStreamManager, spec: DurableConsumerSpec): Promise<void> {
  const config: Partial<ConsumerConfig> = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
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
    if (!isNotFound(error)) throw error;
    await jsm.consumers.add(spec.stream, config);
  }
}
