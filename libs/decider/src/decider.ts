import type { Envelope, MessageType, PayloadInput } from '@agentos/contracts';

/** An event a decider wants recorded; the runner turns it into an envelope caused by the input. */
export interface Decision<T extends MessageType = MessageType> {
  type: T;
  payload: PayloadInput<T>;
}

export const decision = <T extends MessageType>(type: T, payload: PayloadInput<T>): Decision<T> => ({ type, payload });

/**
 * The decider pattern: pure functions, no I/O, no clock, no randomness, so a recorded history
 * can be re-run and must give the same decisions.
 */
export interface Decider<Input, State> {
  /** Recorded with each decision's input, so a replay knows which decider to run. */
  name: string;
  initialState: State;
  decide(input: Input, state: State): Decision[];
  evolve(state: State, event: Envelope): State;
}

export const fold = <State>(decider: Pick<Decider<unknown, State>, 'evolve' | 'initialState'>, events: readonly Envelope[]): State =>
  events.reduce(decider.evolve, decider.initialState);
