import { Module } from '@nestjs/common';
import { AssignmentIndex } from './assignment-index';
import { InjectionDetectors } from './injection-detectors';
import { PolicyHandlers } from './policy.handlers';
import { BudgetLedger } from './budget-ledger';
import { policySettings } from './policy.settings';
import { PolicyState } from './policy.state';
import { RateLimiter } from './rate-limiter';

@Module({ controllers: [PolicyHandlers], providers: [PolicyState, RateLimiter, BudgetLedger, InjectionDetectors, AssignmentIndex] })
export class PolicyModule {}

export const policyService = { name: 'policy', module: PolicyModule, settings: policySettings };
