import { newId, type ContentLabel } from '@agentos/contracts';
import { join } from 'node:path';
import { loadPolicyBundle, parsePolicyBundle } from './bundle';
import { CompiledPolicy, type PolicyRequest } from './evaluate';

const toolCall = (tool: string, labels?: ContentLabel[], action: PolicyRequest['check']['action'] = 'tool.call'): PolicyRequest => ({
  tenant: 'acme',
  at: '2026-12-03T12:00:00.000Z',
  check: { requestId: newId(), action, subject: { agent: 'clerk' }, resource: { kind: action === 'tool.call' ? 'tool' : 'secret', name: tool }, context: {}, ...(labels ? { labels } : {}) },
});
const USER: ContentLabel = { origin: 'user_input', source: 'input' };
const WEB: ContentLabel = { origin: 'tool_result', source: 'tool:web-fetch' };
const STEP: ContentLabel = { origin: 'agent_output', source: 'step:research' };

/** The default bundle plus the allow rules a deployment with a payments tool and a secret adds. */
const defaultWithAllows = () => {
  const bundle = loadPolicyBundle(join(__dirname, '../../../config/policy/default.yaml'));
  bundle.rules.push(
    { id: 'allow-payments-tool', effect: 'allow', actions: ['tool.call'], resources: ['payments.*'], reason: 'the clerk pays invoices' },
    { id: 'allow-secret', effect: 'allow', actions: ['secret.read'], resources: ['BANK_TOKEN'], reason: 'the clerk reads its bank token' },
  );
  return new CompiledPolicy(bundle);
};

describe('information-flow rules (given labels on the request, when evaluated, then the context decides)', () => {
  const policy = defaultWithAllows();

  it('allows a payment from a context that read only the user input', () => {
    expect(policy.evaluate(toolCall('payments.transfer', [USER]))).toMatchObject({ effect: 'allow', rule: 'allow-payments-tool' });
  });

  it('requires approval for a payment once the context holds a tool result, and names the content in the reason', () => {
    expect(policy.evaluate(toolCall('payments.transfer', [USER, WEB]))).toEqual({
      effect: 'require_approval',
      rule: 'untrusted-context-payments',
      reason: 'a step that has read untrusted content may not make payments without approval (context holds tool_result tool:web-fetch)',
      bundleVersion: 'default-4',
    });
  });

  it('treats derived origins as trusted on their own: the taint travels as the labels beside them', () => {
    expect(policy.evaluate(toolCall('payments.transfer', [USER, STEP]))).toMatchObject({ effect: 'allow' });
    expect(policy.evaluate(toolCall('payments.transfer', [USER, STEP, WEB]))).toMatchObject({ effect: 'require_approval' });
  });

  it('requires approval for a secret read from an untrusted context', () => {
    expect(policy.evaluate(toolCall('BANK_TOKEN', [USER], 'secret.read'))).toMatchObject({ effect: 'allow' });
    expect(policy.evaluate(toolCall('BANK_TOKEN', [{ origin: 'agent_note', source: 'tenant note by agent:x' }], 'secret.read'))).toMatchObject({ effect: 'require_approval', rule: 'untrusted-context-secrets' });
  });

  it('leaves other tools to the other rules', () => {
    expect(policy.evaluate(toolCall('calculator', [WEB]))).toMatchObject({ effect: 'deny', rule: null });
  });

  it('lets a bundle choose what it trusts and condition on origins', () => {
    const custom = new CompiledPolicy(
      parsePolicyBundle(
        `version: t1
informationFlow: { trustedOrigins: [user_input] }
rules:
  - { id: tools, effect: allow, actions: [tool.call], reason: ok }
  - { id: no-mail-after-notes, effect: deny, actions: [tool.call], resources: [mail.*], when: { origins: [agent_note, shared_memory] }, reason: notes may not send mail }
  - { id: clean-only, effect: deny, actions: [tool.call], resources: [deploy], when: { context: untrusted }, reason: deploys from clean contexts only }
`,
        'custom.yaml',
      ),
    );
    expect(custom.evaluate(toolCall('deploy', [USER, STEP]))).toMatchObject({ effect: 'deny', rule: 'clean-only', reason: 'deploys from clean contexts only (context holds agent_output step:research)' });
    expect(custom.evaluate(toolCall('mail.send', [WEB]))).toMatchObject({ effect: 'allow' });
    expect(custom.evaluate(toolCall('mail.send', [{ origin: 'shared_memory', source: 'memory:tenant/default' }]))).toMatchObject({ effect: 'deny', rule: 'no-mail-after-notes' });
  });

  it('refuses a misspelt condition rather than applying the rule unconditionally', () => {
    expect(() => parsePolicyBundle('version: t\nrules:\n  - { id: x, effect: allow, actions: [tool.call], when: { contxt: untrusted }, reason: r }\n', 'typo.yaml')).toThrow(/contxt/);
    expect(() => parsePolicyBundle('version: t\nrules:\n  - { id: x, effect: allow, actions: [tool.call], when: { context: dirty }, reason: r }\n', 'bad.yaml')).toThrow(/context/);
  });
});
