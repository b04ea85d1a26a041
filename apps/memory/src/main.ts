import { runService } from '@agentos/service-host';
import { memoryService } from './memory.module';

runService(memoryService);
