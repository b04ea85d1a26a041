import { defineAgent } from '@agentos/agent-sdk';
import { InvalidPayloadError, MAX_INPUT_BYTES, createMessage, newId, subjectOf, type AnyMessage, type MessageOf } from '@agentos/contracts';
import type { NatsConnector } from '@agentos/messaging';
import { deepYaml, nestedObject, readStoredMessages, waitFor, withDeepJson, yamlBomb } from '@agentos/testing';
import { parseWorkflowDocument } from '@agentos/workflow';
import { startSystem, type RunningSystem } from './system';

/** Answers with an output nested deeper than any message may carry. */
const burrower = defineAgent({
  name: 'burrower',
  version: '1.0.0',
  owner: 'test-team',
  capabilities: ['burrow'],
  async handle() {
    return nestedObject(200);
  },
});

/**
 * Issue 16: a message no delivery can help (too deep, too large, a hostile policy bundle) is refused
 * at once with its real reason, and the services that refused it carry on.
 */
describe('permanent errors against a real nats-server', () => {
  let system: RunningSystem;
  const oncall = { tenant: 'system', actor: { kind: 'user' as const, id: 'oncall' } };
  const connector = () => system.client.unwrap<NatsConnector>();
  const deadLettersOf = async (id: string) =>
    (await readStoredMessages<MessageOf<'MessageDeadLettered'>>(await connector().manager$(), 'AGENTOS_DEAD_LETTERS')).filter((letter) => letter.causationId === id);
  /** Publishes bytes a well-behaved client could not build, on the subject of `message`, and returns its dead letter. */
  const refusedAtOnce = async (message: AnyMessage, bytes: Uint8Array) => {
    const sentAt = Date.now();
    await (await connector().jetstream()).publish(subjectOf(message), bytes, { msgID: message.id });
    const [letter] = await waitFor(() => deadLettersOf(message.id), (letters) => letters.length > 0, { what: `the dead letter of ${message.type}`, timeoutMs: 10_000 });
    return { letter, tookMs: Date.now() - sentAt };
  };
  const submitIntent = (input: Record<string, unknown>) => createMessage('SubmitIntent', { intentId: newId(), goal: 'summarise', capability: 'summarise', input }, system.origin);
  const runWorkflow = (input: Record<string, unknown>) =>
    createMessage('RunWorkflow', { workflowId: newId(), definition: parseWorkflowDocument('name: one\nsteps:\n  - { id: a, capability: summarise, input: { text: hi } }\n', 'one.yaml'), input }, system.origin);
  const bundleEvents = async () => (await system.store.readStream('policy-bundles')).map((record) => record.event);
  const bundleInForce = () => system.client.query(createMessage('GetPolicyBundle', {}, system.origin));

  beforeAll(async () => {
    system = await startSystem([burrower as never]);
  });

  afterAll(async () => {
    await system.stop();
  });

  it.each([
    ['SubmitIntent', 2_700],
    ['SubmitIntent', 20_000],
    ['RunWorkflow', 2_700],
    ['RunWorkflow', 20_000],
  ] as const)('dead-letters a %s whose input nests %i levels once, at once, naming the depth; the orchestrator carries on', async (type, levels) => {
    const message = type === 'SubmitIntent' ? submitIntent({ a: 'DEEP' }) : runWorkflow({ a: 'DEEP' });
    const { letter, tookMs } = await refusedAtOnce(message, withDeepJson(message, 'DEEP', levels - 1));
    expect(letter.payload).toMatchObject({
      service: 'orchestrator',
      reason: 'invalid-message',
      deliveries: 1,
      error: `payload.input: nested ${levels.toLocaleString('en-US')} levels deep; at most 64`,
    });
    expect(tookMs).toBeLessThan(5_000);
    const healthy = await system.submit('summarise', { text: 'Still here.' });
    expect(healthy.events.at(-1)?.type).toBe('IntentCompleted');
  });

  it('refuses a query nested 20,000 levels deep with an error naming the depth, and answers the next one', async () => {
    const check = (context: Record<string, unknown>) =>
      createMessage('CheckPolicy', { requestId: newId(), action: 'tool.call', subject: {}, resource: { kind: 'tool', name: 'calculator' }, context }, system.origin);
    const deep = check({ a: 'DEEP' });
    const answer = await (await connector().connection$()).request(subjectOf(deep), withDeepJson(deep, 'DEEP', 19_999), { timeout: 5_000 });
    expect(JSON.parse(Buffer.from(answer.data).toString('utf8'))).toEqual({ ok: false, error: 'invalid CheckPolicy: payload.context: nested 20,000 levels deep; at most 128' });
    expect((await system.client.query(check({}))).effect).toBeDefined();
  });

  it('refuses a 1 MiB input at once, naming its size: the client cannot build it, and the orchestrator parks one sent anyway', async () => {
    const input = { text: 'x'.repeat(1024 * 1024) };
    const size = `${(1024 * 1024 + 11).toLocaleString('en-US')} bytes of JSON; at most ${MAX_INPUT_BYTES.toLocaleString('en-US')}`;
    expect(() => submitIntent(input)).toThrow(new InvalidPayloadError('SubmitIntent', [{ path: 'payload.input', message: size }]));
    const message = submitIntent({});
    const { letter, tookMs } = await refusedAtOnce(message, Buffer.from(JSON.stringify({ ...message, payload: { ...message.payload, input } })));
    expect(letter.payload).toMatchObject({ reason: 'invalid-message', deliveries: 1, error: `payload.input: ${size}` });
    expect(tookMs).toBeLessThan(5_000);
  });

  it('fails a task whose output is over the limits at once, naming why, instead of leaving it unreported', async () => {
    const sentAt = Date.now();
    const { events } = await system.submit('burrow', {});
    expect(Date.now() - sentAt).toBeLessThan(5_000);
    expect(events.at(-1)).toMatchObject({
      type: 'IntentFailed',
      payload: { reason: 'task failed: outcome not reportable: invalid TaskCompleted: payload.output: nested 200 levels deep; at most 128' },
    });
  });

  it.each([
    ['a YAML bomb', yamlBomb(), /alias/],
    ['a 5,000-deep bundle', deepYaml(5_000), /nested more than 64 levels deep/],
    ['an oversize bundle', `version: big\nrules: []\n# ${'x'.repeat(300_000)}\n`, /300,026 characters; at most 262,144/],
  ])('rejects %s with PolicyBundleRejected naming the problem within seconds, keeping the bundle in force', async (_case, yaml, problem) => {
    const before = await bundleInForce();
    const source = `${newId()}.yaml`;
    const sentAt = Date.now();
    await system.client.publishMessage(createMessage('PublishPolicyBundle', { yaml, source }, oncall));
    const events = await waitFor(bundleEvents, (all) => all.some((e) => e.type === 'PolicyBundleRejected' && (e.payload as { source: string }).source === source), { what: 'the rejection', timeoutMs: 10_000 });
    expect(Date.now() - sentAt).toBeLessThan(5_000);
    const rejection = events.find((e) => e.type === 'PolicyBundleRejected' && (e.payload as { source: string }).source === source) as MessageOf<'PolicyBundleRejected'>;
    expect(rejection.payload.problems).toEqual([expect.stringMatching(problem)]);
    expect(await deadLettersOf(rejection.causationId as string)).toEqual([]);
    expect(await bundleInForce()).toEqual(before);
  });
});
