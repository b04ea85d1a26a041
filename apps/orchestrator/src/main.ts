import { runService } from '@agentos/service-host';
import { orchestratorService } from './orchestrator.module';

runService(orchestratorService);
