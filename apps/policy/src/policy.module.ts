import { loadPolicyBundle } from '@agentos/policy-engine';
import { ServiceContext } from '@agentos/service-host';
import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { POLICY_BUNDLE, PolicyHandlers } from './policy.handlers';

const DEFAULT_BUNDLE = join(__dirname, '../../../config/policy/default.yaml');

@Module({
  controllers: [PolicyHandlers],
  providers: [
    {
      provide: POLICY_BUNDLE,
      // Loaded once at start: a broken bundle stops the service with the file and field named.
      useFactory: (service: ServiceContext) => loadPolicyBundle(service.env.AGENTOS_POLICY_BUNDLE ?? DEFAULT_BUNDLE),
      inject: [ServiceContext],
    },
  ],
})
export class PolicyModule {}

export const policyService = { name: 'policy', module: PolicyModule };
