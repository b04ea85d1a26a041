import { ServiceContext } from '@agentos/service-host';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { MemorySettings } from './memory.settings';
import { MemoryStore } from './memory.store';

/** Frees expired values once a minute (AGENTOS_MEMORY_SWEEP_SECONDS); reads never return them anyway. */
@Injectable()
export class MemorySweeper implements OnModuleInit, OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  constructor(private readonly store: MemoryStore, private readonly service: ServiceContext<MemorySettings>) {}

  onModuleInit(): void {
    const every = this.service.settings.AGENTOS_MEMORY_SWEEP_SECONDS * 1000;
    this.timer = setInterval(() => {
      this.store.sweep().then(
        (removed) => removed > 0 && this.service.log.info({ removed }, 'expired memory removed'),
        (error: Error) => this.service.log.warn({ err: error.message }, 'memory sweep failed'),
      );
    }, every);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
