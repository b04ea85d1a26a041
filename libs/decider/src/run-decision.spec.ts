import { createMessage, newId, type AnyMessage } from '@agentos/contracts';
import { InMemoryEventStore } from '@agentos/event-store';
import { decision, type Decider } from './decider';
import { runDecision } from './run-decision';

const origin = { tenant: 'acme', actor: { kind: 'user' as const, id: 'alice' } };
const actor = { kind: 'service' as const, id: 'orchestrator' };

/** Submitted once: the first SubmitIntent of a run records IntentSubmitted, a later one nothing. */
const submissions: Decider<{ goal: string; intentId: string }, { submitted: boolean }> = {
  name: 'submissions',
  initialState: { submitted: false },
  decide: ({ goal, intentId }, state) => (state.submitted ? [] : [decision('IntentSubmitted', { intentId, goal, capability: 'echo' })]),
  evolve: (state, event) => (event.type === 'IntentSubmitted' ? { submitted: true } : state),
};

describe('runDecision', () => {
  const setup = () => {
    const store = new InMemoryEventStore();
    const published: AnyMessage[] = [];
    const intentId = newId();
    const cause = createMessage('SubmitIntent', { intentId, goal: 'g', capability: 'echo' }, origin);
    const run = (fresh?: boolean) =>
      runDecision({ store, publish: async (events) => void published.push(...events), stream: `intent-${intentId}`, decider: submissions, cause, input: { goal: 'g', intentId }, actor, fresh });
    return { store, published, run, stream: `intent-${intentId}` };
  };

  it('given a fresh aggregate, when it decides, then it reads no history and appends as the stream\'s first events', async () => {
    const { store, published, run, stream } = setup();
    const read = jest.spyOn(store, 'readStream');
    const append = jest.spyOn(store, 'append');
    expect((await run(true)).map((e) => e.type)).toEqual(['IntentSubmitted']);
    expect(read).not.toHaveBeenCalled();
    expect(append.mock.calls[0][2]).toEqual({ expectedRevision: 'no_stream' });
    expect(published.map((e) => e.type)).toEqual(['IntentSubmitted']);
    expect((await store.readStream(stream)).map((r) => r.event.type)).toEqual(['DecisionInputRecorded', 'IntentSubmitted']);
  });

  it('given an aggregate said to be fresh that has a history, then the same decision is recognised, and another one refused', async () => {
    const { store, published, run, stream } = setup();
    await run(false);
    // The same cause again (its first answer lost): the events are there already, and are published again (same ids).
    expect((await run(true)).map((e) => e.type)).toEqual(['IntentSubmitted']);
    expect(published.map((e) => e.id)).toEqual([published[0].id, published[0].id]);
    // Another message claiming the same aggregate as fresh: refused, the history unchanged.
    const intruder = createMessage('SubmitIntent', { intentId: stream.slice('intent-'.length), goal: 'other', capability: 'echo' }, origin);
    const refused = runDecision({ store, publish: async () => undefined, stream, decider: submissions, cause: intruder, input: { goal: 'other', intentId: intruder.payload.intentId }, actor, fresh: true });
    await expect(refused).rejects.toMatchObject({ name: 'WrongExpectedRevisionError' });
    expect((await store.readStream(stream)).map((r) => r.event.type)).toEqual(['DecisionInputRecorded', 'IntentSubmitted']);
  });
});
