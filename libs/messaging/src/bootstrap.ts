import { BUCKETS, type BucketName } from '@agentos/contracts';
import { NatsConnector, type NatsSettings } from './connection';
import { bucketOptions, bucketStreamSettings, contractStreamSettings, ensureStream, eventStoreStreamSettings, isStreamNotFound, type EnsureOutcome, type TopologyOptions } from './topology';

export interface BootstrapStep {
  /** The JetStream stream (a KV bucket's is `KV_<bucket>`). */
  stream: string;
  outcome: EnsureOutcome;
}

/**
 * Creates or updates every AgentOS stream (the contracts table and the event store) and KV bucket (the
 * BUCKETS table) to AgentOS' settings. The only code that changes them, run by the NATS admin (`agentos
 * bootstrap`): services and agents may only look them up. Idempotent; `replicas` scales existing ones,
 * unset leaves their count.
 */
export async function bootstrapTopology(connector: NatsConnector, options: TopologyOptions = {}): Promise<BootstrapStep[]> {
  const jsm = await connector.manager$();
  const js = await connector.jetstream();
  const steps: BootstrapStep[] = [];
  for (const settings of [...contractStreamSettings(options), eventStoreStreamSettings(options)]) {
    steps.push({ stream: settings.name, outcome: await ensureStream(jsm, settings) });
  }
  for (const bucket of Object.keys(BUCKETS) as BucketName[]) {
    const settings = bucketStreamSettings(bucket, options);
    const existed = await jsm.streams.info(settings.name).then(
      () => true,
      (error: unknown) => (isStreamNotFound(error) ? false : Promise.reject(error)),
    );
    // nats.js builds a bucket's stream (subjects, direct get, roll-ups); ensureStream then sets the table's settings.
    if (!existed) await js.views.kv(bucket, bucketOptions(bucket, options));
    const outcome = await ensureStream(jsm, settings);
    steps.push({ stream: settings.name, outcome: existed ? outcome : 'created' });
  }
  return steps;
}

/** Bootstrap over a connection of its own, closed after: for harnesses and scripts that start AgentOS on a fresh server. */
export async function bootstrapNats(settings: NatsSettings, options: TopologyOptions = {}): Promise<BootstrapStep[]> {
  const connector = new NatsConnector(settings);
  try {
    return await bootstrapTopology(connector, options);
  } finally {
    await connector.close();
  }
}
