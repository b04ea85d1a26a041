import { Module } from '@nestjs/common';
import { PolicyHandlers } from './policy.handlers';
import { PolicyState } from './policy.state';

@Module({ controllers: [PolicyHandlers], providers: [PolicyState] })
export class PolicyModule {}

export const policyService = { name: 'policy', module: PolicyModule };
