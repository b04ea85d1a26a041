import { causedBy, type MessageOf, type ReplyOf } from '@agentos/contracts';
import { JetStreamClientProxy } from '@agentos/messaging';
import { ServiceContext } from '@agentos/service-host';
import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { MemoryStore } from './memory.store';

@Controller()
export class MemoryHandlers {
  constructor(
    private readonly bus: JetStreamClientProxy,
    private readonly store: MemoryStore,
    private readonly service: ServiceContext,
  ) {}

  @EventPattern('PutMemory')
  async put(@Payload() message: MessageOf<'PutMemory'>) {
    const { value, ...address } = message.payload;
    const revision = await this.store.put(
      { ...address, tenant: message.tenant },
      { value, writtenBy: `${message.actor.kind}:${message.actor.id}`, causationId: message.causationId, writtenAt: message.occurredAt },
    );
    await this.bus.publishMessage(causedBy(message, 'MemoryWritten', { ...address, revision }, { kind: 'service', id: this.service.name }));
  }

  @MessagePattern('GetMemory')
  async get(@Payload() query: MessageOf<'GetMemory'>): Promise<ReplyOf<'GetMemory'>> {
    const stored = await this.store.get({ ...query.payload, tenant: query.tenant });
    if (!stored) return { found: false };
    return { found: true, value: stored.value, revision: stored.revision, writtenBy: stored.writtenBy, causationId: stored.causationId };
  }
}
