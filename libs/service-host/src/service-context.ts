import type { Logger } from 'pino';

/** Injected into every service's providers: who am I, my configuration, my logger. */
export class ServiceContext {
  constructor(
    readonly name: string,
    readonly env: NodeJS.ProcessEnv,
    readonly log: Logger,
  ) {}
}
