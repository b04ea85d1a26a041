import { causedBy, createMessage, deriveId, newId, type MessageOf } from '@agentos/contracts';
import { verdictOn } from './policy-answer';

const orchestrator = { kind: 'service' as const, id: 'orchestrator' };
const policy = { kind: 'service' as const, id: 'policy' };

describe("verdictOn: only policy's verdict on the run's own check moves the run", () => {
  const runId = newId();
  const check = createMessage(
    'PolicyCheckRequested',
    { requestId: deriveId(runId, 'policy', 'intent.submit'), intentId: runId, action: 'intent.submit', subject: { owner: 'alice' }, resource: { kind: 'capability', name: 'summarise' }, context: { goal: 'g' } },
    { tenant: 'acme', actor: orchestrator },
  );
  const verdict = (change: (payload: MessageOf<'PolicyDecided'>['payload']) => Partial<MessageOf<'PolicyDecided'>['payload']> = () => ({}), on = check, by = policy) => {
    const { requestId, intentId, action, resource, subject, context } = on.payload;
    const payload = { requestId, intentId, action, resource, subject, context, effect: 'allow' as const, rule: 'allow-all', reason: 'fine', bundleVersion: 'v1' };
    return causedBy(on, 'PolicyDecided', { ...payload, ...change(payload) }, by, newId());
  };

  it('takes the verdict on the check, whatever policy decided', () => {
    const given = verdict((p) => ({ ...p, effect: 'deny' }));
    expect(verdictOn(check, given)).toBe(given);
  });

  it.each([
    ['another message', () => verdict(() => ({}), { ...check, id: newId() })],
    ['another tenant', () => ({ ...verdict(), tenant: 'globex' })],
    ['anyone but policy', () => verdict(() => ({}), check, { kind: 'service', id: 'memory' })],
    ['another request', () => verdict(() => ({ requestId: newId() }))],
    ['another run', () => verdict(() => ({ intentId: newId() }))],
    ['another action', () => verdict(() => ({ action: 'tool.call' }))],
    ['another resource', () => verdict(() => ({ resource: { kind: 'capability', name: 'harmless' } }))],
    ['another subject', () => verdict(() => ({ subject: { owner: 'mallory' } }))],
  ])('refuses a verdict about %s', (_, answer) => {
    expect(() => verdictOn(check, answer())).toThrow(`is not a verdict on that check`);
  });
});
