import type { ContentLabel, MessageOf, RecordedCall } from '@agentos/contracts';
import type { RecordedEvent } from '@agentos/event-store';
import { mdText } from './markdown-text';

const describe = (labels: readonly ContentLabel[] | undefined) => (labels ?? []).map((l) => `${l.origin} ${l.source}`).join(', ') || 'unlabelled';

/** A call policy refused (denied, or needing an approval a running step cannot wait for), with what the step had read by then. */
const refusedCalls = (calls: readonly RecordedCall[] = []) => calls.filter((c) => c.error?.name === 'PolicyDeniedError');

/**
 * The information-flow section of an incident report: what each task had read (its labels) and the calls
 * policy refused, each with the labels the task held when it made it. This is why a call was refused even
 * when nothing in the text looked like an attack.
 */
export function informationFlowSection(records: readonly RecordedEvent[]): string[] {
  const reports = records.filter((r) => r.event.type === 'TaskCompleted' || r.event.type === 'TaskFailed');
  if (reports.length === 0) return [];
  const lines = ['## Information flow', '', '| # | step | agent | had read | refused calls |', '|---|---|---|---|---|'];
  for (const { revision, event } of reports) {
    const report = (event as MessageOf<'TaskCompleted'> | MessageOf<'TaskFailed'>).payload;
    const refused = refusedCalls(report.calls).map((c) => `${c.kind}.${c.name}: ${c.error?.message} (having read: ${describe(c.labels)})`);
    lines.push(`| ${revision} | ${mdText(report.stepId)} | ${mdText(report.agent)} | ${mdText(describe(report.labels))} | ${mdText(refused.join('; ') || 'none')} |`);
  }
  return ['', ...lines];
}
