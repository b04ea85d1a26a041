import { userPrincipal } from '@agentos/testing';
import { startSystem, type RunningSystem } from './system';
import { randomUUID } from 'node:crypto';
import { sendAsIs, submitAndWait, validate } from './fixtures/plain-nats-client';

/**
 * The wire contract is enough: a client that imports nothing of AgentOS (test/fixtures/plain-nats-client.ts: `nats`,
 * a JSON Schema validator and hand-written JSON) submits an intent as its principal and receives the result.
 */
describe('a plain NATS client on the published wire contract, NATS with auth on', () => {
  let system: RunningSystem;
  const options = () => ({ servers: system.nats.url, creds: system.nats.credentials!.carol.creds, user: 'carol', tenant: 'acme' });

  beforeAll(async () => {
    system = await startSystem([], { auth: true, principals: [userPrincipal('carol', 'submitter', 'acme')] });
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  }, 60_000);

  it('submits an intent and receives its result', async () => {
    const outcome = await submitAndWait(options(), 'summarise', { text: 'Plain JSON travels. Types are optional.' });
    expect(outcome.type).toBe('IntentCompleted');
    expect(outcome.payload.output).toMatchObject({ summary: 'Plain JSON travels.' });
  }, 60_000);

  it('hears why a malformed intent was refused: a rejection naming every problem, in its own tenant only', async () => {
    const id = randomUUID();
    // Claims tenant globex in the envelope; the broker knows carol as acme's, and the answer goes to acme.
    const malformed = { id, type: 'SubmitIntent', version: 1, occurredAt: 'yesterday', correlationId: id, causationId: null, tenant: 'globex', actor: { kind: 'user', id: 'carol' }, payload: { intentId: id, capability: 'Not A Name' } };
    const outcome = await sendAsIs(options(), malformed);
    expect(outcome.type).toBe('IntentRejected');
    expect(outcome.payload).toMatchObject({ intentId: id, rule: null });
    expect((outcome.payload.problems as string[]).map((p) => p.split(':')[0]).sort()).toEqual(['occurredAt', 'payload.capability', 'payload.goal']);
  }, 60_000);

  it('refuses, before sending, JSON that does not match the published schema', () => {
    expect(() => validate('SubmitIntent', { type: 'SubmitIntent', version: 1, payload: { goal: 1 } })).toThrow(/does not match its schema: .*id/);
  });
});
