import type { PayloadOf, PolicyEffect } from '@agentos/contracts';
import type { PolicyBundle, PolicyRule } from './bundle';

export interface PolicyVerdict {
  effect: PolicyEffect;
  rule: string | null;
  reason: string;
  bundleVersion: string;
}

export interface PolicyRequest {
  tenant: string;
  check: PayloadOf<'PolicyCheckRequested'>;
}

const listed = (allowed: string[] | undefined, value: string | undefined) =>
  allowed === undefined || (value !== undefined && allowed.some((a) => (a.endsWith('*') ? value.startsWith(a.slice(0, -1)) : a === value)));

const matches = (rule: PolicyRule, { tenant, check }: PolicyRequest) =>
  rule.actions.includes(check.action) &&
  listed(rule.tenants, tenant) &&
  listed(rule.owners, check.subject.owner) &&
  listed(rule.agents, check.subject.agent) &&
  listed(rule.resources, check.resource.name);

/**
 * Deny by default. Among matching rules a deny wins over require_approval, which wins over allow,
 * so adding an allow can never open what a deny closed.
 */
export function evaluate(bundle: PolicyBundle, request: PolicyRequest): PolicyVerdict {
  const precedence: PolicyEffect[] = ['deny', 'require_approval', 'allow'];
  const matching = bundle.rules.filter((rule) => matches(rule, request));
  for (const effect of precedence) {
    const rule = matching.find((r) => r.effect === effect);
    if (rule) return { effect, rule: rule.id, reason: rule.reason, bundleVersion: bundle.version };
  }
  return { effect: 'deny', rule: null, reason: `no rule allows ${request.check.action} on ${request.check.resource.kind} ${request.check.resource.name}`, bundleVersion: bundle.version };
}
