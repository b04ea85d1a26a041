import { EVENT_STORE, type EventStore } from '@agentos/event-store';
import { JetStreamClientProxy, type NatsConnector } from '@agentos/messaging';
import { ServiceContext } from '@agentos/service-host';
import { Module } from '@nestjs/common';
import { memoryConfig } from './memory.config';
import { MemoryHandlers } from './memory.handlers';
import { memorySettings, type MemorySettings } from './memory.settings';
import { MemoryStore } from './memory.store';
import { MEMORY_CONFIG } from './memory.tokens';
import { NotesIndex } from './notes-index';
import { MemorySweeper } from './memory.sweeper';

@Module({
  controllers: [MemoryHandlers],
  providers: [
    { provide: MEMORY_CONFIG, useFactory: (service: ServiceContext<MemorySettings>) => memoryConfig(service.settings), inject: [ServiceContext] },
    { provide: MemoryStore, useFactory: (bus: JetStreamClientProxy) => new MemoryStore(bus.unwrap<NatsConnector>()), inject: [JetStreamClientProxy] },
    { provide: NotesIndex, useFactory: (store: EventStore) => new NotesIndex(store), inject: [EVENT_STORE] },
    MemorySweeper,
  ],
})
export class MemoryModule {}

export const memoryService = { name: 'memory', module: MemoryModule, settings: memorySettings };
