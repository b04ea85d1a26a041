import type { MessageOf } from '@agentos/contracts';
import type { ChainVerdict, RecordedEvent } from '@agentos/event-store';
import { Marked } from 'marked';
import { informationFlowSection } from './information-flow';
import { escapeHtml, mdCode, mdText } from './markdown-text';
import { runOutcome, type RunOutcome } from './outcome';
import type { Divergence } from './re-execute';
import { timeline } from './timeline';
import type { ChangedDecision } from './what-if';

export interface IncidentFindings {
  workflowId: string;
  chain: ChainVerdict;
  divergence?: Divergence;
  whatIf?: ChangedDecision[];
}

const FAILURES = ['IntentFailed', 'IntentRejected', 'WorkflowFailed', 'WorkflowRejected', 'StepFailed', 'TaskFailed', 'BudgetExhausted', 'MessageDeadLettered'];

function describeOutcome(outcome: RunOutcome): string {
  if (!outcome.event) return '**still running**';
  const step = outcome.failedStep ? `; failing step ${mdText(outcome.failedStep)}` : '';
  const compensation = outcome.compensatedBy ? `, compensated by ${mdText(outcome.compensatedBy)}` : '';
  const reason = outcome.reason ? ` — ${mdText(outcome.reason)}` : '';
  return `**${outcome.status}** (${mdText(outcome.event.type)})${step}${compensation}${reason}`;
}

/** The step whose failure ended the run (its StepFailed), else the first failure recorded. */
function failingEvent(records: readonly RecordedEvent[], outcome: RunOutcome): RecordedEvent | undefined {
  const ofStep = (r: RecordedEvent) => r.event.type === 'StepFailed' && (r.event as MessageOf<'StepFailed'>).payload.stepId === outcome.failedStep;
  return (outcome.failedStep ? [...records].reverse().find(ofStep) : undefined) ?? records.find((r) => FAILURES.includes(r.event.type));
}

/**
 * An incident report in Markdown: outcome, failing step, the policy decisions around it, the timeline.
 * Every recorded value goes through mdText or mdCode: the history holds user text.
 */
export function incidentReport(records: readonly RecordedEvent[], findings: IncidentFindings): string {
  const events = records.map((r) => r.event);
  const outcome = runOutcome(events);
  const failing = failingEvent(records, outcome);
  const traceId = events.find((e) => e.traceparent)?.traceparent?.split('-')[1] ?? 'none recorded';
  const lines = [
    `# Incident report: workflow ${mdText(findings.workflowId)}`,
    '',
    `- Outcome: ${describeOutcome(outcome)}`,
    `- Events: ${records.length}, from ${mdText(events[0]?.occurredAt ?? '?')} to ${mdText(events.at(-1)?.occurredAt ?? '?')}`,
    `- Tenant: ${mdText(events[0]?.tenant ?? '?')}; correlation: ${mdText(events[0]?.correlationId ?? '?')}; trace id: ${mdText(traceId)}`,
    `- Hash chain: ${findings.chain.ok ? `intact (${findings.chain.events} events)` : `**broken at event #${findings.chain.revision}** (${mdText(findings.chain.eventId)}): ${mdText(findings.chain.reason)}`}`,
    '',
    '## Failing step',
    '',
    failing ? `Event #${failing.revision} ${mdCode(failing.event.type)} by ${mdText(`${failing.event.actor.kind}:${failing.event.actor.id}`)}: ${mdCode(JSON.stringify(failing.event.payload))}` : 'No step failed.',
    '',
    '## Policy decisions',
    '',
    '| # | action | resource | effect | rule | reason | bundle |',
    '|---|---|---|---|---|---|---|',
    ...records
      .filter((r) => r.event.type === 'PolicyDecided')
      .map(({ revision, event }) => {
        const d = (event as MessageOf<'PolicyDecided'>).payload;
        return `| ${revision} | ${mdText(d.action)} | ${mdText(`${d.resource.kind} ${d.resource.name}`)} | ${mdText(d.effect)} | ${mdText(d.rule ?? '(default deny)')} | ${mdText(d.reason)} | ${mdText(d.bundleVersion)} |`;
      }),
    ...informationFlowSection(records),
  ];
  if (findings.divergence) {
    const d = findings.divergence;
    lines.push('', '## Re-execution', '', `The decisions for event #${d.revision} (${mdText(d.causeType)}) differ from the recorded ones.`, '', `- recorded: ${mdCode(JSON.stringify(d.recorded))}`, `- recomputed: ${mdCode(JSON.stringify(d.recomputed))}`);
  }
  if (findings.whatIf) {
    lines.push('', '## What if', '', findings.whatIf.length === 0 ? 'No decision would change.' : '| # | action | resource | recorded | would be |', ...(findings.whatIf.length ? ['|---|---|---|---|---|'] : []));
    lines.push(...findings.whatIf.map((c) => `| ${c.revision} | ${mdText(c.action)} | ${mdText(c.resource)} | ${mdText(`${c.recorded.effect} (${c.recorded.rule ?? 'default'})`)} | ${mdText(`${c.whatIf.effect} (${c.whatIf.rule ?? 'default'})`)} |`));
  }
  lines.push('', '## Timeline', '', '| # | time | by | event | summary |', '|---|---|---|---|---|');
  lines.push(...timeline(records).map((e) => `| ${e.revision} | ${mdText(e.at)} | ${mdText(e.by)} | ${'&nbsp;&nbsp;'.repeat(e.depth)}${mdText(e.type)} | ${mdText(e.summary)} |`));
  return `${lines.join('\n')}\n`;
}

/**
 * Markdown to HTML that never emits markup the report did not write itself: raw HTML is shown as text,
 * and links and images (the report makes none) are reduced to their text, whatever their URL.
 */
const safeMarked = new Marked({
  renderer: {
    html: ({ text }) => escapeHtml(text),
    link({ tokens }) {
      return this.parser.parseInline(tokens);
    },
    image: ({ text }) => escapeHtml(text),
  },
});

/** The same report as a standalone HTML page. */
export function reportHtml(markdown: string, title: string): string {
  const body = safeMarked.parse(markdown, { async: false });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font:14px/1.5 system-ui,sans-serif;margin:2rem;max-width:80rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;vertical-align:top}code{background:#f4f4f4}</style>
</head><body>
${body}
</body></html>
`;
}
