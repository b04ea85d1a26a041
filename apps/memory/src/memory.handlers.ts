import { causedBy, isUuid, type MessageOf, type ReplyOf } from '@agentos/contracts';
import { JetStreamClientProxy } from '@agentos/messaging';
import { checkPolicy } from '@agentos/policy-client';
import { ServiceContext } from '@agentos/service-host';
import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { MemoryStore } from './memory.store';

@Controller()
export class MemoryHandlers {
  constructor(
    private readonly bus: JetStreamClientProxy,
    private readonly store: MemoryStore,
    private readonly service: ServiceContext,
  ) {}

  /** Every read and write is checked by policy first; no answer from policy means no. */
  private verdict(message: MessageOf<'PutMemory'> | MessageOf<'GetMemory'>, action: 'memory.read' | 'memory.write') {
    const [agent, version] = message.actor.kind === 'agent' ? message.actor.id.split('@') : [undefined, undefined];
    const { scope, scopeId, key } = message.payload;
    return checkPolicy((query, timeoutMs) => this.bus.query(query, timeoutMs), { tenant: message.tenant, actor: this.actor, correlationId: message.correlationId }, {
      action,
      subject: { ...(agent ? { agent, version } : {}), owner: message.actor.id },
      resource: { kind: 'memory', name: scope },
      context: { scopeId, key },
      ...(scope === 'workflow' && isUuid(scopeId) ? { intentId: scopeId } : {}),
    });
  }

  private get actor() {
    return { kind: 'service' as const, id: this.service.name };
  }

  @EventPattern('PutMemory')
  async put(@Payload() message: MessageOf<'PutMemory'>) {
    const { value, ...address } = message.payload;
    const verdict = await this.verdict(message, 'memory.write');
    if (verdict.effect !== 'allow') {
      await this.bus.publishMessage(causedBy(message, 'MemoryWriteDenied', { ...address, rule: verdict.rule, reason: verdict.reason }, this.actor));
      return;
    }
    const revision = await this.store.put(
      { ...address, tenant: message.tenant },
      { value, writtenBy: `${message.actor.kind}:${message.actor.id}`, causationId: message.causationId, writtenAt: message.occurredAt },
    );
    await this.bus.publishMessage(causedBy(message, 'MemoryWritten', { ...address, revision }, this.actor));
  }

  @MessagePattern('GetMemory')
  async get(@Payload() query: MessageOf<'GetMemory'>): Promise<ReplyOf<'GetMemory'>> {
    const verdict = await this.verdict(query, 'memory.read');
    if (verdict.effect !== 'allow') throw new RpcException(`memory.read denied: ${verdict.reason}`);
    const stored = await this.store.get({ ...query.payload, tenant: query.tenant });
    if (!stored) return { found: false };
    return { found: true, value: stored.value, revision: stored.revision, writtenBy: stored.writtenBy, causationId: stored.causationId };
  }
}
