import { createMessage, newId } from './index';
import { acceptedVersions, upcastPayload } from './upcast';
import { parseMessage } from './validation';

const origin = { tenant: 'acme', actor: { kind: 'agent', id: 'summariser@1.0.0' } } as const;
const v2 = () =>
  createMessage('TaskCompleted', { taskId: newId(), intentId: newId(), agent: 'summariser', agentVersion: '1.0.0', instanceId: 'i-1', output: { summary: 's' }, durationMs: 12 }, origin);
/** As an agent built before version 2 sent it: version 1, no duration. */
const v1 = () => {
  const message = v2();
  const payload: Record<string, unknown> = { ...message.payload };
  delete payload.durationMs;
  return { ...message, version: 1, payload };
};

describe('versioned contracts: TaskCompleted version 2 gains durationMs', () => {
  it('lists the versions it reads', () => {
    expect(acceptedVersions('TaskCompleted')).toEqual([1, 2]);
    expect(acceptedVersions('IntentSubmitted')).toEqual([1]);
  });

  it('reads a version-1 message as version 2, the unmeasured duration as null', () => {
    const parsed = parseMessage(v1());
    expect(parsed).toMatchObject({ ok: true, message: { version: 2, payload: { durationMs: null, output: { summary: 's' } } } });
  });

  it('reads version 2 as it is, and refuses a version nobody listed, naming the accepted ones', () => {
    expect(parseMessage(v2())).toMatchObject({ ok: true, message: { version: 2, payload: { durationMs: 12 } } });
    expect(parseMessage({ ...v2(), version: 3 })).toMatchObject({ ok: false, error: 'version: TaskCompleted version 3 is not supported (accepted: 1, 2)' });
  });

  it('validates a version-1 payload against version 1 before upcasting, naming the version in the issue', () => {
    const broken = { ...v1(), payload: { ...v1().payload, agentVersion: 'not semver' } };
    const parsed = parseMessage(broken);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(/^payload \(version 1\)\.agentVersion: /);
  });

  it('is pure: the recorded payload is left as it was', () => {
    const message = v1();
    const before = structuredClone(message.payload);
    expect(upcastPayload('TaskCompleted', 1, message.payload)).toMatchObject({ ok: true, payload: { durationMs: null } });
    expect(message.payload).toEqual(before);
  });
});
