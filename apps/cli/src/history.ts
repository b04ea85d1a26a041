import { parseMessage } from '@agentos/contracts';
import { holdsSealedData, type RecordedEvent } from '@agentos/event-store';
import { workflowStream } from '@agentos/orchestration';
import { missingRevisions } from '@agentos/replay';
import type { Session } from './session';

export interface History {
  records: RecordedEvent[];
  /** The revisions lost (`4..`: from 4 on), when the stream was truncated. */
  missing?: string;
}

/**
 * Reads a workflow's history, refusing (with the place) anything this code does not understand; an event whose
 * tenant data is erased (purged, or past retention) is shown as it is, [erased] where its data was. A truncated
 * stream is read as far as it goes and said to be truncated, on stderr, so the output is still its history.
 */
export async function loadHistory(session: Session, workflowId: string): Promise<History> {
  const stream = workflowStream(workflowId);
  const records = await session.store.readStream(stream);
  if (records.length === 0) throw new Error(`unknown workflow ${workflowId}: no events in ${stream}`);
  for (const record of records.filter((r) => !holdsSealedData(r.event))) {
    const parsed = parseMessage(record.event);
    if (!parsed.ok) throw new Error(`event #${record.revision} of ${stream} (${record.event.type}) cannot be read: ${parsed.error}`);
  }
  const missing = missingRevisions(records, await session.store.truncatedFrom?.(stream));
  if (missing) process.stderr.write(`agentos: ${stream}: stream truncated: revisions ${missing} missing; showing the ${records.length} events left\n`);
  return { records, missing };
}
