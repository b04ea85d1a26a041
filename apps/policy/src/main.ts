import { runService } from '@agentos/service-host';
import { policyService } from './policy.module';

runService(policyService);
