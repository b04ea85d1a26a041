import type { Logger } from 'pino';
import type { ServiceSettings } from './service-settings';

/**
 * Injected into every service's providers: who am I, my configuration, my logger. `settings` is the
 * environment as parsed by the app's schema at start; a provider names its app's type to read its own
 * (`ServiceContext<RegistrySettings>`), and reads no variable from `env` directly.
 */
export class ServiceContext<Settings extends ServiceSettings = ServiceSettings> {
  private readonly lastWords: Array<() => Promise<void>> = [];

  constructor(
    readonly name: string,
    readonly env: NodeJS.ProcessEnv,
    readonly log: Logger,
    readonly settings: Settings,
    /** This replica's name among its service's replicas (AGENTOS_INSTANCE_ID, else host and pid). */
    readonly instance: string,
  ) {}

  /**
   * A step for the service's stop, run once its handlers are done and before its NATS connection drains (handing
   * leases on): Nest's own shutdown hooks run after the connection is gone.
   */
  beforeDisconnect(step: () => Promise<void>): void {
    this.lastWords.push(step);
  }

  /** The steps given to beforeDisconnect, in order; one that fails does not keep the others from running. */
  async disconnecting(): Promise<void> {
    for (const step of this.lastWords) await step().catch((error: Error) => this.log.warn({ err: error }, 'a stop step failed'));
  }
}
