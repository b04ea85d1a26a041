import { newId } from '@agentos/contracts';
import { join } from 'node:path';
import { loadPolicyBundle, type PolicyBundle } from './bundle';
import { evaluate, type PolicyRequest } from './evaluate';

const request = (name: string, tenant = 'acme', action: PolicyRequest['check']['action'] = 'intent.submit'): PolicyRequest => ({
  tenant,
  check: { requestId: newId(), action, subject: { owner: 'alice' }, resource: { kind: 'capability', name }, context: {} },
});

describe('policy evaluation', () => {
  const bundle: PolicyBundle = {
    version: 'v7',
    rules: [
      { id: 'allow-acme', effect: 'allow', actions: ['intent.submit'], tenants: ['acme'], reason: 'acme may submit' },
      { id: 'deny-wipe', effect: 'deny', actions: ['intent.submit'], resources: ['wipe-*'], reason: 'never wipe' },
      { id: 'approve-payments', effect: 'require_approval', actions: ['intent.submit'], resources: ['pay'], reason: 'payments need a human' },
    ],
  };

  it('given no matching rule, denies by default and says why', () => {
    expect(evaluate(bundle, request('summarise', 'globex'))).toEqual({ effect: 'deny', rule: null, reason: 'no rule allows intent.submit on capability summarise', bundleVersion: 'v7' });
  });
  it('given a matching allow, allows and names the rule', () => {
    expect(evaluate(bundle, request('summarise'))).toMatchObject({ effect: 'allow', rule: 'allow-acme' });
  });
  it('given an allow and a deny that both match, the deny wins', () => {
    expect(evaluate(bundle, request('wipe-disk'))).toMatchObject({ effect: 'deny', rule: 'deny-wipe', reason: 'never wipe' });
  });
  it('given an allow and a require_approval that both match, approval is required', () => {
    expect(evaluate(bundle, request('pay'))).toMatchObject({ effect: 'require_approval', rule: 'approve-payments' });
  });
  it('an action the rules do not list is denied', () => {
    expect(evaluate(bundle, request('summarise', 'acme', 'tool.call')).effect).toBe('deny');
  });
  it('loads the shipped default bundle', () => {
    const shipped = loadPolicyBundle(join(__dirname, '../../../config/policy/default.yaml'));
    expect(evaluate(shipped, request('summarise')).effect).toBe('allow');
    expect(evaluate(shipped, request('delete-everything')).effect).toBe('deny');
  });
});
