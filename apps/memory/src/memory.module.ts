import { JetStreamClientProxy, type NatsConnector } from '@agentos/messaging';
import { Module } from '@nestjs/common';
import { MemoryHandlers } from './memory.handlers';
import { MemoryStore } from './memory.store';

@Module({
  controllers: [MemoryHandlers],
  providers: [{ provide: MemoryStore, useFactory: (bus: JetStreamClientProxy) => new MemoryStore(bus.unwrap<NatsConnector>()), inject: [JetStreamClientProxy] }],
})
export class MemoryModule {}

export const memoryService = { name: 'memory', module: MemoryModule };
