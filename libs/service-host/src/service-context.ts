import type { Logger } from 'pino';
import type { ServiceSettings } from './service-settings';

/**
 * Injected into every service's providers: who am I, my configuration, my logger. `settings` is the
 * environment as parsed by the app's schema at start; a provider names its app's type to read its own
 * (`ServiceContext<RegistrySettings>`), and reads no variable from `env` directly.
 */
export class ServiceContext<Settings extends ServiceSettings = ServiceSettings> {
  constructor(
    readonly name: string,
    readonly env: NodeJS.ProcessEnv,
    readonly log: Logger,
    readonly settings: Settings,
  ) {}
}
