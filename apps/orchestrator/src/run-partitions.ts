import { SYSTEM_TENANT, createMessage, decodeMessage, type AnyMessage, type MessageOf, type ReplyOf } from '@agentos/contracts';
import { JetStreamClientProxy, PartitionLeases, PermanentFailure, QueryResponder, classifyFailure, type NatsConnector } from '@agentos/messaging';
import { partitionOf } from '@agentos/orchestration';
import type { ServiceContext } from '@agentos/service-host';
import type { OrchestratorSettings } from './orchestrator.settings';

/** What the coordinator keeps of a partition's runs: restored when the partition becomes this replica's, dropped when it goes. */
export interface PartitionState {
  restore(partition: number): Promise<void>;
  forget(partition: number): Promise<void>;
}

/** A handed-on message waits for its owner's decision, which may ask the registry or policy. */
const HAND_ON_TIMEOUT_MS = 10_000;

/**
 * Which runs this replica decides: runs are spread over AGENTOS_PARTITIONS partitions (partitionOf, by run id), each
 * owned by one replica at a time (PartitionLeases). A run's message reaches whichever replica its durable consumer
 * hands it to; one that is not the owner hands it on (HandleRunMessage, core request/reply to the partition's owner)
 * and acknowledges it only once the owner has handled it, so nothing is lost when an owner dies meanwhile: the
 * message is delivered again and reaches the partition's next owner.
 */
export class RunPartitions {
  readonly count: number;
  private readonly leases: PartitionLeases;
  private readonly responders = new Map<number, QueryResponder<'HandleRunMessage'>>();
  private readonly connector: NatsConnector;
  private readonly actor;
  private handler?: (message: AnyMessage) => Promise<void>;

  constructor(
    private readonly bus: JetStreamClientProxy,
    private readonly service: ServiceContext<OrchestratorSettings>,
    state: PartitionState,
  ) {
    const { settings } = service;
    this.count = settings.AGENTOS_PARTITIONS;
    this.actor = { kind: 'service' as const, id: service.name };
    this.connector = bus.unwrap<NatsConnector>();
    this.leases = new PartitionLeases(() => this.connector.kv('agentos_leases'), {
      service: service.name,
      holder: service.instance,
      partitions: this.count,
      ttlMs: settings.AGENTOS_LEASE_MS,
      log: service.log,
      gained: async (partition) => {
        await state.restore(partition);
        await this.answerFor(partition);
      },
      lost: async (partition) => {
        // Not waiting for the answers under way: each decides (and fails) on its own, and one of them may be waiting
        // for this very partition to finish changing hands.
        this.responders.get(partition)?.close();
        this.responders.delete(partition);
        await state.forget(partition);
      },
    });
  }

  /** How this replica handles a message handed on to it: as if its own consumer had delivered it. */
  handleWith(handler: (message: AnyMessage) => Promise<void>): void {
    this.handler = handler;
  }

  start(): Promise<void> {
    return this.leases.start();
  }

  stop(): Promise<void> {
    return this.leases.stop();
  }

  of(runId: string): number {
    return partitionOf(runId, this.count);
  }

  /** Waits while the run's partition, just taken by this replica, is being loaded. */
  loaded(runId: string): Promise<void> {
    return this.leases.loaded(this.of(runId));
  }

  owns(runId: string): boolean {
    return this.leases.owns(this.of(runId));
  }

  /** How many replicas share the partitions, this one included. */
  get replicas(): number {
    return this.leases.replicas;
  }

  /**
   * Has the replica owning the run's partition handle the message. Fails as its handler did: permanently (the message
   * is parked here with the owner's reason) or not (delivered again later, e.g. while the partition has no owner).
   */
  async handOn(runId: string, message: AnyMessage): Promise<void> {
    const payload = { partition: String(this.of(runId)), message: JSON.stringify(message) };
    const query = createMessage('HandleRunMessage', payload, { tenant: SYSTEM_TENANT, actor: this.actor, correlationId: message.correlationId });
    const reply = await this.bus.query(query, HAND_ON_TIMEOUT_MS);
    if (reply.outcome === 'handled') return;
    if (reply.permanent) throw new PermanentFailure(reply.permanent, reply.error);
    throw new Error(`partition ${payload.partition}: ${reply.error}`);
  }

  private async answerFor(partition: number): Promise<void> {
    const responder = new QueryResponder(this.connector, {
      service: this.service.name,
      type: 'HandleRunMessage',
      filterTokens: { partition: String(partition) },
      handler: (query) => this.answer(partition, query),
      log: this.service.log,
    });
    await responder.start();
    this.responders.set(partition, responder);
  }

  private async answer(partition: number, query: MessageOf<'HandleRunMessage'>): Promise<ReplyOf<'HandleRunMessage'>> {
    // The broker let only this principal send on the subject (and the responder checked the envelope against it).
    if (query.actor.kind !== 'service' || query.actor.id !== this.service.name) return { outcome: 'failed', permanent: 'refused', error: `only ${this.service.name} replicas hand run messages on` };
    if (!this.leases.owns(partition) || !this.handler) return { outcome: 'failed', error: `partition ${partition} is not owned here (yet or any more)` };
    const decoded = decodeMessage(Buffer.from(query.payload.message));
    if (!decoded.ok) return { outcome: 'failed', permanent: 'invalid-message', error: decoded.error };
    try {
      await this.handler(decoded.message as AnyMessage);
      return { outcome: 'handled' };
    } catch (error) {
      const failure = classifyFailure(error);
      return failure.permanent ? { outcome: 'failed', permanent: failure.reason, error: failure.error } : { outcome: 'failed', error: failure.error };
    }
  }
}
