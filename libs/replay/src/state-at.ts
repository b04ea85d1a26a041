import type { Envelope, MessageOf, Spending } from '@agentos/contracts';
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

/** What an event charged: spending reported during a task, or what a completion charged with it (the step itself). */
function chargeOf(event: Envelope): Spending {
  if (event.type === 'UsageRecorded') return (event as MessageOf<'UsageRecorded'>).payload;
  if (event.type === 'TaskCompleted') return (event as MessageOf<'TaskCompleted'>).payload.usage ?? NOTHING_SPENT;
  return NOTHING_SPENT;
}

/** The workflow as it stood at a point of its history: the orchestrator's state and what its agents had spent. */
export function stateAt(records: readonly RecordedEvent[], point: string): WorkflowStateAt {
  const upTo = historyUpTo(records, point);
  if (upTo.length === 0) throw new Error(`the history has no event at or before ${point}`);
  const events = upTo.map((r) => r.event);
  const spent = { ...NOTHING_SPENT };
  for (const usage of events.map(chargeOf)) {
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
