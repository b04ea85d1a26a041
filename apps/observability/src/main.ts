import { runService } from '@agentos/service-host';
import { observabilityService } from './observability.module';

runService(observabilityService);
