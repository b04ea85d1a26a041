import { workflowStream } from '@agentos/orchestration';
import { formatTimeline, stateAt, timeline } from '@agentos/replay';
import type { Output } from '../output';
import type { Session } from '../session';

const PREFIX = 'workflow-';
/** The events that say where a run (an intent or a workflow) stands. */
const STATUS_EVENTS = new Set([
  ...['IntentSubmitted', 'WorkflowStarted', 'ApprovalRequested', 'TaskQueued', 'TaskAssigned', 'StepCompleted', 'StepRetryScheduled'],
  ...['IntentCompleted', 'IntentFailed', 'IntentRejected', 'WorkflowCompleted', 'WorkflowFailed', 'WorkflowRejected'],
]);

/** Every workflow in the event store with its current status (a scan of $all: fine for an operator's query). */
export async function workflowsList(session: Session, limit: number, out: Output): Promise<number> {
  const latest = new Map<string, { status?: string; at: string; revision: number }>();
  for (const record of await session.store.readAll()) {
    if (!record.stream.startsWith(PREFIX)) continue;
    const id = record.stream.slice(PREFIX.length);
    const type = record.event.type;
    const status = STATUS_EVENTS.has(type) ? type : latest.get(id)?.status;
    latest.set(id, { status, at: record.event.occurredAt, revision: record.revision });
  }
  const rows = [...latest].sort(([, a], [, b]) => b.at.localeCompare(a.at)).slice(0, limit);
  out.data(rows.map(([id, row]) => ({ id, ...row })));
  if (rows.length === 0) out.line('no workflows recorded');
  for (const [id, row] of rows) out.line(`${id}  ${(row.status ?? '?').padEnd(18)} ${String(row.revision + 1).padStart(4)} events  last ${row.at}`);
  return 0;
}

export async function workflowShow(session: Session, id: string, out: Output): Promise<number> {
  const records = await session.store.readStream(workflowStream(id));
  if (records.length === 0) throw new Error(`unknown workflow ${id}: no events in ${workflowStream(id)}`);
  const now = stateAt(records, String(records[records.length - 1].revision));
  out.data({ state: now, timeline: timeline(records) });
  out.line(`workflow ${id}: ${now.state.status}; ${records.length} events; spent ${JSON.stringify(now.spent)}\n`);
  out.line(formatTimeline(timeline(records)));
  return 0;
}
