import { userPrincipal } from '@agentos/testing';
import { startSystem, type RunningSystem } from './system';
import { submitAndWait, validate } from './fixtures/plain-nats-client';

/**
 * The wire contract is enough: a client that imports nothing of AgentOS (test/fixtures/plain-nats-client.ts: `nats`,
 * a JSON Schema validator and hand-written JSON) submits an intent as its principal and receives the result.
 */
describe('a plain NATS client on the published wire contract, NATS with auth on', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem([], { auth: true, principals: [userPrincipal('carol', 'submitter', 'acme')] });
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  }, 60_000);

  it('submits an intent and receives its result', async () => {
    const options = { servers: system.nats.url, creds: system.nats.credentials!.carol.creds, user: 'carol', tenant: 'acme' };
    const { outcome } = await submitAndWait(options, 'summarise', { text: 'Plain JSON travels. Types are optional.' });
    expect(outcome.type).toBe('IntentCompleted');
    expect(outcome.payload.output).toMatchObject({ summary: 'Plain JSON travels.' });
  }, 60_000);

  it('refuses, before sending, JSON that does not match the published schema', () => {
    expect(() => validate('SubmitIntent', { type: 'SubmitIntent', version: 1, payload: { goal: 1 } })).toThrow(/does not match its schema: .*id/);
  });
});
