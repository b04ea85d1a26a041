import { DocumentError, newId, type ActiveKillSwitch } from '@agentos/contracts';
import { join } from 'node:path';
import { PolicyBundle, loadPolicyBundle, parsePolicyBundle } from './bundle';
import { CompiledPolicy, type PolicyRequest } from './evaluate';

const NOON = '2026-11-27T12:00:00.000Z';
const request = (name: string, over: { tenant?: string; action?: PolicyRequest['check']['action']; at?: string; agent?: string; version?: string; classification?: string; costSoFar?: number; intentId?: string } = {}): PolicyRequest => ({
  tenant: over.tenant ?? 'acme',
  at: over.at ?? NOON,
  check: {
    requestId: newId(),
    intentId: over.intentId,
    action: over.action ?? 'intent.submit',
    subject: { owner: 'alice', agent: over.agent, version: over.version },
    resource: { kind: 'capability', name, classification: over.classification },
    context: over.costSoFar === undefined ? {} : { costSoFar: over.costSoFar },
  },
});

const policy = new CompiledPolicy(
  PolicyBundle.parse({
    version: 'v7',
    rules: [
      { id: 'allow-acme', effect: 'allow', actions: ['intent.submit'], tenants: ['acme'], reason: 'acme may submit' },
      { id: 'deny-wipe', effect: 'deny', actions: ['intent.submit'], resources: ['wipe-*'], reason: 'never wipe' },
      { id: 'approve-payments', effect: 'require_approval', actions: ['intent.submit'], resources: ['pay'], reason: 'payments need a human' },
      { id: 'tools-office-hours', effect: 'allow', actions: ['tool.call'], resources: ['crm'], when: { hoursUtc: [9, 17] }, reason: 'crm during office hours' },
      { id: 'llm-while-cheap', effect: 'allow', actions: ['llm.call'], when: { maxCostSoFar: 10 }, reason: 'until 10 spent' },
      { id: 'no-restricted-reads', effect: 'deny', actions: ['memory.read'], classifications: ['restricted'], reason: 'restricted data' },
      { id: 'reads', effect: 'allow', actions: ['memory.read'], agents: ['summariser'], versions: ['1.*'], reason: 'summariser 1.x may read' },
    ],
  }),
);

describe('policy evaluation (given a bundle, when a request, then a verdict)', () => {
  it('denies by default when no rule matches, and says why', () => {
    expect(policy.evaluate(request('summarise', { tenant: 'globex' }))).toEqual({ effect: 'deny', rule: null, reason: 'no rule allows intent.submit on capability summarise', bundleVersion: 'v7' });
  });
  it('allows on a matching rule and names it', () => {
    expect(policy.evaluate(request('summarise'))).toMatchObject({ effect: 'allow', rule: 'allow-acme' });
  });
  it('lets a deny win over an allow, and require_approval win over an allow', () => {
    expect(policy.evaluate(request('wipe-disk'))).toMatchObject({ effect: 'deny', rule: 'deny-wipe', reason: 'never wipe' });
    expect(policy.evaluate(request('pay'))).toMatchObject({ effect: 'require_approval', rule: 'approve-payments' });
  });
  it('applies time windows using the request time, not the clock', () => {
    expect(policy.evaluate(request('crm', { action: 'tool.call' })).effect).toBe('allow');
    expect(policy.evaluate(request('crm', { action: 'tool.call', at: '2026-11-27T20:00:00.000Z' })).effect).toBe('deny');
  });
  it('applies cost so far', () => {
    expect(policy.evaluate(request('gpt', { action: 'llm.call', costSoFar: 9.5 })).effect).toBe('allow');
    expect(policy.evaluate(request('gpt', { action: 'llm.call', costSoFar: 10.5 })).effect).toBe('deny');
  });
  it('matches data classification, agent and version prefixes', () => {
    expect(policy.evaluate(request('notes', { action: 'memory.read', agent: 'summariser', version: '1.4.0' })).effect).toBe('allow');
    expect(policy.evaluate(request('notes', { action: 'memory.read', agent: 'summariser', version: '2.0.0' })).effect).toBe('deny');
    expect(policy.evaluate(request('notes', { action: 'memory.read', agent: 'summariser', version: '1.4.0', classification: 'restricted' }))).toMatchObject({ effect: 'deny', rule: 'no-restricted-reads' });
  });
  it('denies whatever a kill switch covers, before any rule, at each scope', () => {
    const kill = (scope: ActiveKillSwitch['scope'], target: string): ActiveKillSwitch[] => [{ scope, target, reason: 'incident 42', activatedAt: NOON, activatedBy: 'user:oncall' }];
    const intentId = newId();
    expect(policy.evaluate(request('summarise'), kill('global', '*'))).toMatchObject({ effect: 'deny', rule: 'kill-switch:global:*', reason: 'kill switch (global *): incident 42' });
    expect(policy.evaluate(request('summarise'), kill('tenant', 'acme')).effect).toBe('deny');
    expect(policy.evaluate(request('summarise'), kill('tenant', 'globex')).effect).toBe('allow');
    expect(policy.evaluate(request('notes', { action: 'memory.read', agent: 'summariser', version: '1.0.0' }), kill('agent', 'summariser')).effect).toBe('deny');
    expect(policy.evaluate(request('summarise', { intentId }), kill('workflow', intentId)).effect).toBe('deny');
    expect(policy.evaluate(request('summarise', { intentId: newId() }), kill('workflow', intentId)).effect).toBe('allow');
  });
});

describe('policy bundles', () => {
  it('loads the shipped default bundle', () => {
    const shipped = new CompiledPolicy(loadPolicyBundle(join(__dirname, '../../../config/policy/default.yaml')));
    expect(shipped.evaluate(request('summarise')).effect).toBe('allow');
    expect(shipped.evaluate(request('delete-everything')).effect).toBe('deny');
  });
  const problemsOf = (yaml: string) => {
    try {
      parsePolicyBundle(yaml, 'new.yaml');
    } catch (error) {
      if (error instanceof DocumentError) return error.problems;
      throw error;
    }
    throw new Error('the bundle was accepted');
  };
  const rule = (id: string, effect: string) => [`  - id: ${id}`, `    effect: ${effect}`, '    actions: [intent.submit]', '    reason: r'];

  it('rejects a malformed bundle whole, naming the line and field of each problem', () => {
    expect(problemsOf(['version: v8', 'rules:', ...rule('a', 'allow'), ...rule('b', 'permit')].join('\n'))).toEqual([expect.stringMatching(/^new\.yaml:8:13 rules\.1\.effect: /)]);
    expect(problemsOf(['rules:', ...rule('a', 'allow')].join('\n'))).toEqual([expect.stringMatching(/^new\.yaml:1:1 version: /)]);
  });
  it('rejects duplicate rule ids at the second one', () => {
    expect(problemsOf(['version: v8', 'rules:', ...rule('a', 'allow'), ...rule('a', 'deny')].join('\n'))).toEqual(['new.yaml:7:9 rules.1.id: duplicate rule id "a"']);
  });
});
