import type { Envelope, MessageOf } from '@agentos/contracts';
import { fold } from '@agentos/decider';
import type { RecordedEvent } from '@agentos/event-store';
import { orchestrationDecider, type RunState } from '@agentos/orchestration';
import { NOTHING_SPENT } from '@agentos/policy-engine';

export interface WorkflowStateAt {
  /** The last event included. */
  revision: number;
  at: string;
  state: RunState;
  spent: { tokens: number; cost: number; steps: number };
}

/** `point`: an event number (revision) or an ISO time; the history up to and including it. */
export function historyUpTo(records: readonly RecordedEvent[], point: string): RecordedEvent[] {
  if (/^\d+$/.test(point)) return records.filter((r) => r.revision <= Number(point));
  const limit = Date.parse(point);
  if (Number.isNaN(limit)) throw new Error(`--at takes an event number or an ISO time, not "${point}"`);
  return records.filter((r) => Date.parse(r.event.occurredAt) <= limit);
}

/** The workflow as it stood at a point of its history: the orchestrator's state and what its agents had spent. */
export function stateAt(records: readonly RecordedEvent[], point: string): WorkflowStateAt {
  const upTo = historyUpTo(records, point);
  if (upTo.length === 0) throw new Error(`the history has no event at or before ${point}`);
  const events = upTo.map((r) => r.event);
  const spent = { tokens: 0, cost: 0, steps: 0 };
  // Spending reported during a task, and what a completion charged with it (the step itself).
  const charges = events.flatMap((e: Envelope) => (e.type === 'UsageRecorded' ? [(e as MessageOf<'UsageRecorded'>).payload] : e.type === 'TaskCompleted' ? [(e as MessageOf<'TaskCompleted'>).payload.usage ?? NOTHING_SPENT] : []));
  for (const usage of charges) {
    spent.tokens += usage.tokens;
    spent.cost += usage.cost;
    spent.steps += usage.steps;
  }
  const last = upTo[upTo.length - 1];
  return { revision: last.revision, at: last.event.occurredAt, state: fold(orchestrationDecider, events), spent };
}

/** One line per step for a terminal: where it stood, on which attempt and instance, and why it failed. */
export function formatSteps(state: RunState): string[] {
  return Object.entries(state.steps).map(([stepId, step]) => {
    const where = [step.attempt > 0 ? `attempt ${step.attempt}` : '', step.instanceId ? `on ${step.instanceId}` : '', step.retryDueAt ? `retry due ${step.retryDueAt}` : ''].filter(Boolean).join(', ');
    const why = step.error ? `: ${step.error}` : '';
    return `  ${stepId.padEnd(20)} ${step.status}${where ? ` (${where})` : ''}${why}`;
  });
}
