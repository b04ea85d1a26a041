import { RUN_STREAM_PREFIX, type Envelope, type MessageOf } from '@agentos/contracts';
import type { RecordedEvent } from '@agentos/event-store';
import { runOutcome, type RunOutcome } from './outcome';

/** One run as `workflows ls` lists it. */
export interface WorkflowRow {
  id: string;
  /** The workflow definition's name, or the capability an intent asked for. */
  name?: string;
  tenant: string;
  status: RunOutcome['status'];
  reason?: string;
  startedAt: string;
  lastAt: string;
  events: number;
}

export interface WorkflowFilter {
  status?: string;
  name?: string;
  tenant?: string;
  /** Runs with an event at or after this instant (ms). */
  since?: number;
}

function nameOf(first: Envelope): string | undefined {
  if (first.type === 'WorkflowStarted') return (first as MessageOf<'WorkflowStarted'>).payload.definition.name;
  if (first.type === 'IntentSubmitted') return (first as MessageOf<'IntentSubmitted'>).payload.capability;
  return undefined;
}

/** The runs in a scan of the event store, newest activity first. */
export function workflowRows(records: readonly RecordedEvent[]): WorkflowRow[] {
  const byRun = new Map<string, Envelope[]>();
  for (const record of records) {
    if (!record.stream.startsWith(RUN_STREAM_PREFIX)) continue;
    const id = record.stream.slice(RUN_STREAM_PREFIX.length);
    const events = byRun.get(id) ?? [];
    events.push(record.event);
    byRun.set(id, events);
  }
  return [...byRun]
    .map(([id, events]) => {
      const { status, reason } = runOutcome(events);
      // The first event may be the decider's recorded input: the run's own start says what it is.
      const start = events.find((e) => e.type === 'WorkflowStarted' || e.type === 'IntentSubmitted') ?? events[0];
      return { id, name: nameOf(start), tenant: start.tenant, status, reason, startedAt: events[0].occurredAt, lastAt: events[events.length - 1].occurredAt, events: events.length };
    })
    .sort((a, b) => b.lastAt.localeCompare(a.lastAt));
}

export function matches(row: WorkflowRow, filter: WorkflowFilter): boolean {
  return (
    (!filter.status || row.status === filter.status) &&
    (!filter.name || row.name === filter.name) &&
    (!filter.tenant || row.tenant === filter.tenant) &&
    (filter.since === undefined || Date.parse(row.lastAt) >= filter.since)
  );
}
