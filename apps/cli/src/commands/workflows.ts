import { formatTimeline, matches, stateAt, timeline, workflowRows, type WorkflowFilter } from '@agentos/replay';
import { loadHistory } from '../history';
import type { Output } from '../output';
import type { Session } from '../session';

const STATUSES = ['completed', 'failed', 'rejected', 'cancelled', 'running'];

/** Every run in the event store (a scan of $all: fine for an operator's query), filtered, newest activity first. */
export async function workflowsList(session: Session, limit: number, filter: WorkflowFilter, out: Output): Promise<number> {
  if (filter.status && !STATUSES.includes(filter.status)) throw new Error(`--status is one of ${STATUSES.join(', ')}; not "${filter.status}"`);
  const rows = workflowRows(await session.store.readAll())
    .filter((row) => matches(row, filter))
    .slice(0, limit);
  out.data(rows);
  if (rows.length === 0) out.line('no workflows recorded' + (Object.values(filter).some((v) => v !== undefined) ? ' that match' : ''));
  for (const row of rows) {
    const why = row.reason ? `  ${row.reason}` : '';
    out.line(`${row.id}  ${(row.name ?? '?').padEnd(24)} ${row.tenant.padEnd(12)} ${row.status.padEnd(9)} ${String(row.events).padStart(4)} events  last ${row.lastAt}${why}`);
  }
  return 0;
}

export async function workflowShow(session: Session, id: string, out: Output): Promise<number> {
  const { records } = await loadHistory(session, id);
  const now = stateAt(records, String(records[records.length - 1].revision));
  out.data({ state: now, timeline: timeline(records) });
  out.line(`workflow ${id}: ${now.state.status}; ${records.length} events; spent ${JSON.stringify(now.spent)}\n`);
  out.line(formatTimeline(timeline(records)));
  return 0;
}
