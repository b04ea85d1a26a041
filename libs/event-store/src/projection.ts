import type { NatsConnector } from '@agentos/messaging';
import type { EventFilter, EventStore, Position, RecordedEvent, Subscription } from './port';

/** Where each projection got to, kept outside the process so a restart resumes there. */
export interface CheckpointStore {
  load(name: string): Promise<Position | undefined>;
  save(name: string, position: Position): Promise<void>;
}

export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, Position>();
  async load(name: string) {
    return this.positions.get(name);
  }
  async save(name: string, position: Position) {
    this.positions.set(name, position);
  }
}

const CHECKPOINT_BUCKET = 'agentos_checkpoints';

/** Checkpoints in a JetStream KV bucket: durable, shared by the instances of a service. */
export class KvCheckpointStore implements CheckpointStore {
  constructor(private readonly connector: NatsConnector) {}

  private key = (name: string) => Buffer.from(name).toString('base64url');

  async load(name: string): Promise<Position | undefined> {
    const entry = await (await this.connector.kv(CHECKPOINT_BUCKET)).get(this.key(name));
    return entry && entry.operation === 'PUT' ? entry.json<Position>() : undefined;
  }

  async save(name: string, position: Position): Promise<void> {
    await (await this.connector.kv(CHECKPOINT_BUCKET)).put(this.key(name), JSON.stringify(position));
  }
}

export interface ProjectionOptions {
  name: string;
  store: EventStore;
  checkpoints: CheckpointStore;
  filter?: EventFilter;
  handle(event: RecordedEvent): Promise<void>;
}

/**
 * Feeds a projection from $all, resuming after its last checkpoint. The checkpoint is saved after
 * each handled event, so a crash repeats at most the event in hand: handlers must be idempotent.
 */
export async function runProjection(options: ProjectionOptions): Promise<Subscription> {
  const after = await options.checkpoints.load(options.name);
  return options.store.subscribeToAll({ after, filter: options.filter }, async (record) => {
    await options.handle(record);
    await options.checkpoints.save(options.name, record.position);
  });
}
