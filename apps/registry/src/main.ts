import { runService } from '@agentos/service-host';
import { registryService } from './registry.module';

runService(registryService);
