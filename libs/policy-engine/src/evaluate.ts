import type { ActiveKillSwitch, PayloadOf, PolicyAction, PolicyEffect } from '@agentos/contracts';
import type { PolicyBundle, PolicyRule } from './bundle';
import { describeUntrusted, untrustedLabels } from './information-flow';

export interface PolicyVerdict {
  effect: PolicyEffect;
  rule: string | null;
  reason: string;
  bundleVersion: string;
}

export interface PolicyRequest {
  tenant: string;
  check: PayloadOf<'PolicyCheckRequested'>;
  /** When the action is to happen (the request's occurredAt), so a replay evaluates the same way. */
  at: string;
}

type Matcher = (request: PolicyRequest) => boolean;

const listMatcher = (allowed: string[] | undefined, pick: (r: PolicyRequest) => string | undefined): Matcher | undefined => {
  if (!allowed) return undefined;
  const exact = new Set(allowed.filter((a) => !a.endsWith('*')));
  const prefixes = allowed.filter((a) => a.endsWith('*')).map((a) => a.slice(0, -1));
  return (request) => {
    const value = pick(request);
    return value !== undefined && (exact.has(value) || prefixes.some((p) => value.startsWith(p)));
  };
};

function whenMatcher(when: PolicyRule['when'], trusted: ReadonlySet<string>): Matcher | undefined {
  if (!when) return undefined;
  const { hoursUtc, maxCostSoFar, context, origins } = when;
  return (request) => {
    const labels = request.check.labels ?? [];
    if (context && (untrustedLabels(labels, trusted).length > 0) !== (context === 'untrusted')) return false;
    if (origins && !labels.some((l) => origins.includes(l.origin))) return false;
    if (hoursUtc) {
      const hour = new Date(request.at).getUTCHours();
      const [from, to] = hoursUtc;
      const inside = from <= to ? hour >= from && hour < to : hour >= from || hour < to;
      if (!inside) return false;
    }
    if (maxCostSoFar !== undefined && Number(request.check.context.costSoFar ?? 0) > maxCostSoFar) return false;
    return true;
  };
}

interface CompiledRule {
  rule: PolicyRule;
  matchers: Matcher[];
}

const PRECEDENCE: PolicyEffect[] = ['deny', 'require_approval', 'allow'];

/**
 * A bundle prepared for fast evaluation: rules indexed by action, each rule's conditions turned into
 * matchers once. Evaluation is pure: the same bundle, request and kill switches give the same verdict.
 */
export class CompiledPolicy {
  private readonly byAction = new Map<PolicyAction, CompiledRule[]>();

  private readonly trusted: ReadonlySet<string>;

  constructor(readonly bundle: PolicyBundle) {
    this.trusted = new Set(bundle.informationFlow.trustedOrigins);
    for (const rule of bundle.rules) {
      const matchers = [
        listMatcher(rule.tenants, (r) => r.tenant),
        listMatcher(rule.owners, (r) => r.check.subject.owner),
        listMatcher(rule.agents, (r) => r.check.subject.agent),
        listMatcher(rule.versions, (r) => r.check.subject.version),
        listMatcher(rule.resources, (r) => r.check.resource.name),
        listMatcher(rule.classifications, (r) => r.check.resource.classification),
        whenMatcher(rule.when, this.trusted),
      ].filter((m): m is Matcher => m !== undefined);
      for (const action of rule.actions) this.byAction.set(action, [...(this.byAction.get(action) ?? []), { rule, matchers }]);
    }
  }

  /**
   * Deny by default. A kill switch in force denies before any rule. Among matching rules a deny wins
   * over require_approval, which wins over allow, so adding an allow never opens what a deny closed.
   */
  evaluate(request: PolicyRequest, killSwitches: readonly ActiveKillSwitch[] = []): PolicyVerdict {
    const version = this.bundle.version;
    const kill = killSwitches.find((k) => killSwitchApplies(k, request));
    if (kill) return { effect: 'deny', rule: `kill-switch:${kill.scope}:${kill.target}`, reason: `kill switch (${kill.scope} ${kill.target}): ${kill.reason}`, bundleVersion: version };
    let best: PolicyRule | undefined;
    for (const { rule, matchers } of this.byAction.get(request.check.action) ?? []) {
      if (!matchers.every((match) => match(request))) continue;
      if (!best || PRECEDENCE.indexOf(rule.effect) < PRECEDENCE.indexOf(best.effect)) best = rule;
      if (best.effect === 'deny') break;
    }
    if (best) return { effect: best.effect, rule: best.id, reason: this.reasonOf(best, request), bundleVersion: version };
    const { action, resource } = request.check;
    return { effect: 'deny', rule: null, reason: `no rule allows ${action} on ${resource.kind} ${resource.name}`, bundleVersion: version };
  }

  /** A rule that matched on the caller's context says which content made it match: the reason a replay shows. */
  private reasonOf(rule: PolicyRule, request: PolicyRequest): string {
    if (!rule.when?.context && !rule.when?.origins) return rule.reason;
    const labels = request.check.labels ?? [];
    const cause = rule.when.context === 'untrusted' ? untrustedLabels(labels, this.trusted) : labels.filter((l) => rule.when?.origins?.includes(l.origin));
    return cause.length > 0 ? `${rule.reason} (context holds ${describeUntrusted(cause)})` : rule.reason;
  }
}

/** Which requests a kill switch stops: everything, one tenant, one agent, or one workflow. */
export function killSwitchApplies(
  kill: Pick<ActiveKillSwitch, 'scope' | 'target'>,
  request: { tenant: string; check: { intentId?: string; subject: { agent?: string } } },
): boolean {
  switch (kill.scope) {
    case 'global':
      return true;
    case 'tenant':
      return request.tenant === kill.target;
    case 'agent':
      return request.check.subject.agent === kill.target;
    case 'workflow':
      return request.check.intentId === kill.target;
  }
}

/** One-off evaluation; services keep a CompiledPolicy instead. */
export const evaluate = (bundle: PolicyBundle, request: PolicyRequest, killSwitches?: readonly ActiveKillSwitch[]): PolicyVerdict =>
  new CompiledPolicy(bundle).evaluate(request, killSwitches);
