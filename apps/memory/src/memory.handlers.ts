import { EVENT_STREAMS, causedBy, createMessage, isUuid, type AnyMessage, type MessageOf, type Provenance, type ReplyOf } from '@agentos/contracts';
import { EventRecorder } from '@agentos/decider';
import { JetStreamClientProxy } from '@agentos/messaging';
import { checkPolicy } from '@agentos/policy-client';
import { ServiceContext } from '@agentos/service-host';
import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { MEMORY_CONFIG } from './memory.tokens';
import type { MemoryConfig } from './memory.config';
import { MemoryStore, type Area } from './memory.store';
import { NotesIndex } from './notes-index';
import { scopeRefusal } from './scope-rules';
import { approvalRefusal } from './write-approval';

type Refusal = { rule: string | null; reason: string; needsApproval: boolean };

type AreaMessage = MessageOf<'WriteMemory' | 'DeleteMemory' | 'GetMemory' | 'ListMemory' | 'AppendNote' | 'SearchNotes'>;

@Controller()
export class MemoryHandlers {
  constructor(
    private readonly bus: JetStreamClientProxy,
    private readonly store: MemoryStore,
    private readonly notes: NotesIndex,
    private readonly recorder: EventRecorder,
    @Inject(MEMORY_CONFIG) private readonly config: MemoryConfig,
    private readonly service: ServiceContext,
  ) {}

  private get actor() {
    return { kind: 'service' as const, id: this.service.name };
  }

  private area(message: AreaMessage): Area {
    return { tenant: message.tenant, scope: message.payload.scope, scopeId: message.payload.scopeId };
  }

  private provenance(message: AnyMessage): Provenance {
    return { writtenBy: `${message.actor.kind}:${message.actor.id}`, causationId: message.causationId, correlationId: message.correlationId, writtenAt: message.occurredAt };
  }

  /** Scope rules first, then policy (memory.read / memory.write on the scope and classification); no answer means no. */
  private async refusal(message: AreaMessage, action: 'read' | 'write', classification?: string): Promise<Refusal | undefined> {
    const { scope, scopeId } = message.payload;
    const local = scopeRefusal(message.actor, scope, scopeId, action);
    if (local) return { rule: `scope:${scope}`, reason: local, needsApproval: false };
    const [agent, version] = message.actor.kind === 'agent' ? message.actor.id.split('@') : [undefined, undefined];
    const verdict = await checkPolicy((query, timeoutMs) => this.bus.query(query, timeoutMs), { tenant: message.tenant, actor: this.actor, correlationId: message.correlationId }, {
      action: action === 'read' ? 'memory.read' : 'memory.write',
      subject: { ...(agent ? { agent, version } : {}), owner: message.actor.id },
      resource: { kind: 'memory', name: scope, ...(classification ? { classification } : {}) },
      context: { scopeId, ...('key' in message.payload ? { key: message.payload.key } : {}) },
      ...(scope === 'workflow' && isUuid(scopeId) ? { intentId: scopeId } : {}),
    });
    return verdict.effect === 'allow' ? undefined : { rule: verdict.rule, reason: verdict.reason, needsApproval: verdict.effect === 'require_approval' };
  }

  /**
   * A write a rule says needs approval: without an approval it is answered `needs-approval` (the agent parks it in
   * its run and sends it again once approved); with one, it goes on only if the run's history holds that approval,
   * approved, for this very write. Only a write made in a run can wait for an approval.
   */
  private async unapproved(message: MessageOf<'WriteMemory'>, refused: Refusal): Promise<ReplyOf<'WriteMemory'> | undefined> {
    const { intentId, approvalId } = message.payload;
    if (!intentId) return { status: 'denied', rule: refused.rule, reason: `${refused.reason} (needs approval, and only a write made in a run can wait for one)` };
    if (!approvalId) return { status: 'needs-approval', rule: refused.rule, reason: refused.reason };
    // Asked in the writer's tenant: the orchestrator knows no approval of another tenant's run.
    const approval = await this.bus.query(createMessage('GetCallApproval', { intentId, approvalId }, { tenant: message.tenant, actor: this.actor, correlationId: message.correlationId }), 2_000);
    const why = approvalRefusal(message, approval);
    return why ? { status: 'denied', rule: refused.rule, reason: why } : undefined;
  }

  private async readable(message: AreaMessage) {
    const refused = await this.refusal(message, 'read');
    if (refused) throw new RpcException(`memory.read denied: ${refused.reason}`);
  }

  @MessagePattern('WriteMemory')
  async write(@Payload() message: MessageOf<'WriteMemory'>): Promise<ReplyOf<'WriteMemory'>> {
    const { value, expectedRevision, ttlSeconds, classification, scope, scopeId, key } = message.payload;
    const address = { scope, scopeId, key };
    const bytes = Buffer.byteLength(JSON.stringify(value ?? null));
    if (bytes > this.config.maxValueBytes) return { status: 'too-large', bytes, limit: this.config.maxValueBytes };
    const refused = await this.refusal(message, 'write', classification);
    const stopped = refused && (refused.needsApproval ? await this.unapproved(message, refused) : { status: 'denied' as const, rule: refused.rule, reason: refused.reason });
    if (stopped) return stopped;
    const ttl = ttlSeconds ?? this.config.ttlSeconds[address.scope];
    const expiresAt = ttl === undefined ? null : new Date(Date.parse(message.occurredAt) + ttl * 1000).toISOString();
    const provenance = this.provenance(message);
    const outcome = await this.store.write({ ...address, tenant: message.tenant }, { value, classification, expiresAt, provenance }, expectedRevision);
    if (outcome.status === 'written') {
      // Recorded with the value before the answer, so memory can be rebuilt as of any moment.
      const written = causedBy(message, 'MemoryWritten', { ...address, revision: outcome.revision, value, classification, expiresAt, provenance }, this.actor);
      await this.recorder.recordForAnswer(EVENT_STREAMS.memory(this.area(message)), [written]);
    }
    return outcome;
  }

  @MessagePattern('DeleteMemory')
  async delete(@Payload() message: MessageOf<'DeleteMemory'>): Promise<ReplyOf<'DeleteMemory'>> {
    const { expectedRevision, ...address } = message.payload;
    const refused = await this.refusal(message, 'write');
    if (refused) return { status: 'denied', rule: refused.rule, reason: refused.reason };
    const outcome = await this.store.delete({ ...address, tenant: message.tenant }, expectedRevision);
    if (outcome.status === 'written') {
      await this.recorder.recordForAnswer(EVENT_STREAMS.memory(this.area(message)), [causedBy(message, 'MemoryDeleted', { ...address, revision: outcome.revision, provenance: this.provenance(message) }, this.actor)]);
    }
    return outcome;
  }

  /** The value is read while policy decides (one round trip less), and leaves only once the verdict allowed it. */
  @MessagePattern('GetMemory')
  async get(@Payload() message: MessageOf<'GetMemory'>): Promise<ReplyOf<'GetMemory'>> {
    const [, stored] = await Promise.all([this.readable(message), this.store.get({ ...message.payload, tenant: message.tenant })]);
    if (!stored) return { found: false };
    const { value, revision, classification, expiresAt, provenance } = stored;
    return { found: true, value, revision, classification, expiresAt, provenance };
  }

  @MessagePattern('ListMemory')
  async list(@Payload() message: MessageOf<'ListMemory'>): Promise<ReplyOf<'ListMemory'>> {
    await this.readable(message);
    return { entries: await this.store.list(this.area(message), message.payload.prefix) };
  }

  @MessagePattern('AppendNote')
  async appendNote(@Payload() message: MessageOf<'AppendNote'>): Promise<ReplyOf<'AppendNote'>> {
    const refused = await this.refusal(message, 'write');
    if (refused) throw new RpcException(`memory.write denied: ${refused.reason}`);
    const { scope, scopeId, text, tags } = message.payload;
    // The note id is the request's id, so a retried append is stored once.
    const appended = causedBy(message, 'NoteAppended', { scope, scopeId, noteId: message.id, text, tags, provenance: this.provenance(message) }, this.actor);
    await this.recorder.recordForAnswer(EVENT_STREAMS.notes(this.area(message)), [appended]);
    return appended.payload;
  }

  @MessagePattern('SearchNotes')
  async search(@Payload() message: MessageOf<'SearchNotes'>): Promise<ReplyOf<'SearchNotes'>> {
    await this.readable(message);
    const hits = await this.notes.search(this.area(message), message.payload.query, message.payload.limit);
    return { hits: hits.map(({ noteId, text, tags, provenance, score }) => ({ noteId, text, tags, provenance, score })) };
  }
}
