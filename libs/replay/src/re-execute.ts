import { asRecorded, parsePayload, type Envelope, type MessageOf } from '@agentos/contracts';
import type { Decider, Decision } from '@agentos/decider';
import { canonicalJson, type RecordedEvent } from '@agentos/event-store';

export interface Divergence {
  /** Revision of the recorded input whose decisions differ. */
  revision: number;
  causeId: string;
  causeType: string;
  recorded: Decision[];
  recomputed: Decision[];
}

export type ReExecution = { decisions: number; divergence?: Divergence };

const same = (a: Decision[], b: Decision[]) => canonicalJson(a) === canonicalJson(b);

/**
 * Runs the decider again on every recorded input, against the state folded from the history before
 * it, and compares with what was recorded: the first difference is where the code's behaviour
 * changed. No live calls: inputs (the message and everything looked up for it) come from the record.
 */
export function reExecute<Input, State>(records: readonly RecordedEvent[], decider: Decider<Input, State>): ReExecution {
  const events = records.map((r) => r.event);
  let decisions = 0;
  // The state before each event, folded as the walk goes (one pass, not a fold per decision).
  let state = decider.initialState;
  for (const [index, event] of events.entries()) {
    const before = state;
    state = decider.evolve(state, event);
    if (event.type !== 'DecisionInputRecorded') continue;
    const { decider: name, causeId, input } = (event as MessageOf<'DecisionInputRecorded'>).payload;
    if (name !== decider.name) continue;
    const recorded = events
      .slice(index + 1)
      .filter((e: Envelope) => e.causationId === causeId && e.actor.id === event.actor.id && e.type !== 'DecisionInputRecorded')
      .map((e) => ({ type: e.type, payload: e.payload }) as Decision);
    // Compared as they would be recorded: through the contracts (defaults applied) and JSON.
    const recomputed = decider.decide(input as Input, before).map((d) => recordedForm({ type: d.type, payload: parsePayload(d.type, d.payload) } as Decision));
    decisions += 1;
    if (!same(recorded.map(recordedForm), recomputed)) {
      return { decisions, divergence: { revision: records[index].revision, causeId, causeType: (input as { message?: Envelope }).message?.type ?? 'unknown', recorded, recomputed } };
    }
  }
  return { decisions };
}

const recordedForm = (d: Decision): Decision => ({ type: d.type, payload: asRecorded(d.payload ?? null) }) as Decision;
