import { CATALOG, SYSTEM_TENANT, causedBy, type Actor, type AnyMessage, type Envelope } from '@agentos/contracts';
import type { EventStore } from '@agentos/event-store';
import { fold, type Decider } from './decider';
import { recordEvents } from './record';

export interface DecisionRun<Input, State> {
  store: EventStore;
  publish: (events: readonly AnyMessage[]) => Promise<unknown>;
  /** The event-store stream of the aggregate, e.g. `intent-<id>`. */
  stream: string;
  decider: Decider<Input, State>;
  /** The message being handled: it causes the decisions and, if it is a fact, is recorded too. */
  cause: AnyMessage;
  /** The decider's input; given the loaded state when it needs look-ups that depend on it. */
  input: Input | ((state: State) => Promise<Input>);
  actor: Actor;
  /**
   * The caller just claimed the aggregate's id (no event of it can exist yet): its history is not read. A stream that
   * exists after all refuses the append (expected: no stream), and the handler's retry reads it.
   */
  fresh?: boolean;
  /** Reads the history as the store holds it now, not as this process remembers it (EventStore ReadStreamOptions.latest). */
  latest?: boolean;
}

/**
 * Load, decide, append, publish. Tolerates redelivery: if the stream already holds what this cause
 * led to (the process died after appending but before or while publishing), those same events are
 * published again (JetStream de-duplicates by id) instead of deciding anew.
 */
export async function runDecision<Input, State>(run: DecisionRun<Input, State>): Promise<Envelope[]> {
  const history = run.fresh ? [] : (await run.store.readStream(run.stream, run.latest ? { latest: true } : undefined)).map((r) => r.event);
  const alreadyCaused = history.filter((event) => event.causationId === run.cause.id && event.actor.id === run.actor.id);
  if (alreadyCaused.length > 0) {
    const decided = alreadyCaused.filter((event) => event.type !== 'DecisionInputRecorded');
    await run.publish(decided as AnyMessage[]);
    return decided;
  }
  const state = fold(run.decider, history);
  const input = typeof run.input === 'function' ? await (run.input as (state: State) => Promise<Input>)(state) : run.input;
  const decisions = run.decider.decide(input, state);
  // Decisions belong to the stream's tenant, even when a platform fact (an instance dropped) caused them: the
  // tenant's agents act on them, and every later report is checked against the run's tenant.
  const tenant = history[0]?.tenant ?? run.cause.tenant;
  const ofStream = <E extends Envelope>(event: E): E => ({ ...event, tenant });
  const events = decisions.map((d, i) => ofStream(causedBy(run.cause, d.type, d.payload, run.actor, String(i))));
  // Facts from others about this aggregate are part of the history a replay needs, whether or not they led to a
  // decision: the runner is the stream's only writer (two writers would race on its revisions). A fact names the
  // aggregate in its payload, which its sender chose: only the aggregate's tenant (or the platform) adds to it.
  const ofThisTenant = run.cause.tenant === tenant || run.cause.tenant === SYSTEM_TENANT;
  const recordCause = CATALOG[run.cause.type].kind === 'event' && ofThisTenant && !history.some((event) => event.id === run.cause.id);
  const expectedRevision = history.length === 0 ? 'no_stream' : history.length - 1;
  if (events.length === 0) {
    if (recordCause && history.length > 0) await recordEvents(run, run.stream, [], { historyOnly: [run.cause], expectedRevision });
    return [];
  }
  // The input goes into the history too (with the cause inside it): a replay re-runs the decider on it.
  const recordedInput = ofStream(causedBy(run.cause, 'DecisionInputRecorded', { decider: run.decider.name, causeId: run.cause.id, input }, run.actor, 'input'));
  const historyOnly = [...(recordCause ? [run.cause] : []), recordedInput];
  await (await recordEvents(run, run.stream, events as AnyMessage[], { historyOnly, expectedRevision })).published;
  return events;
}
