import { newId } from '@agentos/contracts';
import { checkPolicy } from './check-policy';

const origin = { tenant: 'acme', actor: { kind: 'agent' as const, id: 'summariser@1.0.0' } };
const check = { action: 'tool.call' as const, subject: { agent: 'summariser' }, resource: { kind: 'tool', name: 'web' }, context: {} };

describe('checkPolicy', () => {
  it('returns the verdict policy gives', async () => {
    const verdict = await checkPolicy(async (query) => ({ ...query.payload, effect: 'allow', rule: 'r1', reason: 'ok', bundleVersion: 'v1' }), origin, check);
    expect(verdict).toMatchObject({ effect: 'allow', rule: 'r1' });
  });

  it('fails closed: no answer from policy is a deny that says policy is unavailable', async () => {
    const requestId = newId();
    const verdict = await checkPolicy(async () => Promise.reject(new Error('TIMEOUT')), origin, { ...check, requestId });
    expect(verdict).toEqual({ requestId, action: 'tool.call', resource: { kind: 'tool', name: 'web' }, effect: 'deny', rule: null, reason: 'policy unavailable: TIMEOUT', bundleVersion: 'none' });
  });
});
