import { CATALOG, STREAMS } from './catalog';
import { deriveId, newId } from './ids';
import { causedBy, createMessage } from './message';
import { principalOf, subjectFilter, subjectMismatch, subjectOf } from './subjects';
import { decodeMessage, parseMessage } from './validation';

const origin = { tenant: 'acme', actor: { kind: 'user' as const, id: 'alice' } };
const submit = () => createMessage('SubmitIntent', { intentId: newId(), goal: 'g', capability: 'summarise' }, origin);

describe('contracts', () => {
  it('every stream-backed message type publishes under exactly one stream, the one the table names', () => {
    for (const [type, spec] of Object.entries(CATALOG)) {
      if (spec.kind === 'query') {
        expect(spec.subject.startsWith('agentos.query.')).toBe(true);
        continue;
      }
      const prefixes = Object.entries(STREAMS).filter(([, s]) => s.subjects.some((p) => spec.subject.startsWith(p.replace('>', ''))));
      expect([type, prefixes.map(([name]) => name)]).toEqual([type, [spec.stream]]);
    }
  });

  it('names facts in the past tense and commands in the imperative', () => {
    for (const [type, spec] of Object.entries(CATALOG)) {
      if (spec.kind === 'event') expect([type, /(ed|Written|Sent)$/.test(type)]).toEqual([type, true]);
      if (spec.kind === 'command') expect([type, /ed$/.test(type)]).toEqual([type, false]);
    }
  });

  it('fills subject tokens from the payload, ends with the sender tokens and builds consumer filters', () => {
    const task = createMessage('TaskAssigned', { taskId: newId(), intentId: newId(), agent: 'summariser', agentVersion: '1.0.0', instanceId: 'host-1', capability: 'summarise', input: {} }, origin);
    expect(subjectOf(task)).toBe(`agentos.task.summariser.host-1.${origin.tenant}.user-${origin.actor.id}`);
    expect(subjectFilter('TaskAssigned')).toBe('agentos.task.*.*.*.*');
    expect(subjectFilter('TaskAssigned', { agent: 'summariser', instanceId: 'host-1' })).toBe('agentos.task.summariser.host-1.*.*');
    expect(subjectFilter('SubmitIntent', {}, { tenant: 'acme', principal: 'user-alice' })).toBe('agentos.cmd.intent.submit.acme.user-alice');
  });

  it('names an agent by its name, not its version, in the principal token', () => {
    expect(principalOf({ kind: 'agent', id: 'summariser@1.2.0' })).toBe('agent-summariser');
    expect(principalOf({ kind: 'service', id: 'orchestrator' })).toBe('service-orchestrator');
  });

  it('refuses actor ids that cannot be one subject token', () => {
    for (const actor of [{ kind: 'user', id: 'a.b' }, { kind: 'user', id: '*' }, { kind: 'agent', id: 'summariser' }, { kind: 'agent', id: 'Summariser@1.0.0' }, { kind: 'service', id: 'x>' }]) {
      expect([actor, parseMessage({ ...submit(), actor }).ok]).toEqual([actor, false]);
    }
  });

  it('names what disagrees when an envelope does not match the subject it arrived on', () => {
    const message = submit();
    expect(subjectMismatch(message, subjectOf(message))).toBeUndefined();
    expect(subjectMismatch(message, `agentos.cmd.intent.submit.globex.user-${message.actor.id}`)).toMatch(/tenant "acme" but was sent as tenant "globex"/);
    expect(subjectMismatch(message, 'agentos.cmd.intent.submit.acme.agent-summariser')).toMatch(/actor user:.* but was sent by principal "agent-summariser"/);
  });

  it('a caused message inherits correlation, tenant and trace, and its id is stable per cause', () => {
    const cause = { ...submit(), traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    const a = causedBy(cause, 'IntentSubmitted', cause.payload, { kind: 'service', id: 'orchestrator' });
    const b = causedBy(cause, 'IntentSubmitted', cause.payload, { kind: 'service', id: 'orchestrator' });
    expect(a.id).toBe(b.id);
    expect(a).toMatchObject({ causationId: cause.id, correlationId: cause.correlationId, tenant: 'acme', traceparent: cause.traceparent });
    expect(deriveId('x', '1')).not.toBe(deriveId('x', '2'));
    expect(parseMessage(a).ok).toBe(true);
  });

  it('rejects bad messages with errors that name the field, the envelope’s and the payload’s together', () => {
    const bad = { ...submit(), tenant: 'ACME!', payload: { intentId: 'nope', goal: '', capability: 'Sum.marise' } };
    const result = parseMessage(bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path)).toEqual(['tenant', 'payload.intentId', 'payload.goal', 'payload.capability']);
    const payloadResult = parseMessage({ ...bad, tenant: 'acme' });
    expect(payloadResult.ok || payloadResult.issues.map((i) => i.path).sort()).toEqual(['payload.capability', 'payload.goal', 'payload.intentId']);
    expect(parseMessage({ ...submit(), type: 'LaunchMissiles' })).toMatchObject({ ok: false, error: 'type: unknown message type "LaunchMissiles"' });
    expect(parseMessage({ ...submit(), version: 2 })).toMatchObject({ ok: false, error: 'version: SubmitIntent version 2 is not supported (accepted: 1)' });
    expect(decodeMessage(Buffer.from('{'))).toMatchObject({ ok: false, issues: [{ path: '(root)' }] });
  });
});
