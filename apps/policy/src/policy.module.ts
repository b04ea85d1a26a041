import { Module } from '@nestjs/common';
import { PolicyHandlers } from './policy.handlers';
import { PolicyState } from './policy.state';
import { RateLimiter } from './rate-limiter';

@Module({ controllers: [PolicyHandlers], providers: [PolicyState, RateLimiter] })
export class PolicyModule {}

export const policyService = { name: 'policy', module: PolicyModule };
