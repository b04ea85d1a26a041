import type { MessageOf } from '@agentos/contracts';
import type { ChainVerdict, RecordedEvent } from '@agentos/event-store';
import { marked } from 'marked';
import type { Divergence } from './re-execute';
import { timeline } from './timeline';
import type { ChangedDecision } from './what-if';

export interface IncidentFindings {
  workflowId: string;
  chain: ChainVerdict;
  divergence?: Divergence;
  whatIf?: ChangedDecision[];
}

const FAILURES = ['IntentFailed', 'IntentRejected', 'TaskFailed', 'BudgetExhausted', 'MessageDeadLettered'];
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** An incident report in Markdown: outcome, failing step, the policy decisions around it, the timeline. */
export function incidentReport(records: readonly RecordedEvent[], findings: IncidentFindings): string {
  const events = records.map((r) => r.event);
  const failing = records.find((r) => FAILURES.includes(r.event.type));
  const outcome = [...events].reverse().find((e) => ['IntentCompleted', 'IntentFailed', 'IntentRejected'].includes(e.type));
  const traceId = events.find((e) => e.traceparent)?.traceparent?.split('-')[1] ?? 'none recorded';
  const lines = [
    `# Incident report: workflow ${findings.workflowId}`,
    '',
    `- Outcome: **${outcome ? outcome.type : 'still running'}**${outcome && 'reason' in (outcome.payload as object) ? ` — ${(outcome.payload as { reason: string }).reason}` : ''}`,
    `- Events: ${records.length}, from ${events[0]?.occurredAt ?? '?'} to ${events.at(-1)?.occurredAt ?? '?'}`,
    `- Tenant: ${events[0]?.tenant ?? '?'}; correlation: ${events[0]?.correlationId ?? '?'}; trace id: ${traceId}`,
    `- Hash chain: ${findings.chain.ok ? `intact (${findings.chain.events} events)` : `**broken at event #${findings.chain.revision}** (${findings.chain.eventId}): ${findings.chain.reason}`}`,
    '',
    '## Failing step',
    '',
    failing ? `Event #${failing.revision} \`${failing.event.type}\` by ${failing.event.actor.kind}:${failing.event.actor.id}: \`${JSON.stringify(failing.event.payload)}\`` : 'No step failed.',
    '',
    '## Policy decisions',
    '',
    '| # | action | resource | effect | rule | reason | bundle |',
    '|---|---|---|---|---|---|---|',
    ...records
      .filter((r) => r.event.type === 'PolicyDecided')
      .map(({ revision, event }) => {
        const d = (event as MessageOf<'PolicyDecided'>).payload;
        return `| ${revision} | ${d.action} | ${cell(`${d.resource.kind} ${d.resource.name}`)} | ${d.effect} | ${d.rule ?? '(default deny)'} | ${cell(d.reason)} | ${d.bundleVersion} |`;
      }),
  ];
  if (findings.divergence) {
    const d = findings.divergence;
    lines.push('', '## Re-execution', '', `The decisions for event #${d.revision} (${d.causeType}) differ from the recorded ones.`, '', `- recorded: \`${JSON.stringify(d.recorded)}\``, `- recomputed: \`${JSON.stringify(d.recomputed)}\``);
  }
  if (findings.whatIf) {
    lines.push('', '## What if', '', findings.whatIf.length === 0 ? 'No decision would change.' : '| # | action | resource | recorded | would be |', ...(findings.whatIf.length ? ['|---|---|---|---|---|'] : []));
    lines.push(...findings.whatIf.map((c) => `| ${c.revision} | ${c.action} | ${cell(c.resource)} | ${c.recorded.effect} (${c.recorded.rule ?? 'default'}) | ${c.whatIf.effect} (${c.whatIf.rule ?? 'default'}) |`));
  }
  lines.push('', '## Timeline', '', '| # | time | by | event | summary |', '|---|---|---|---|---|');
  lines.push(...timeline(records).map((e) => `| ${e.revision} | ${e.at} | ${cell(e.by)} | ${'&nbsp;&nbsp;'.repeat(e.depth)}${e.type} | ${cell(e.summary)} |`));
  return `${lines.join('\n')}\n`;
}

/** The same report as a standalone HTML page. */
export function reportHtml(markdown: string, title: string): string {
  const body = marked.parse(markdown, { async: false });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title.replace(/[<>&"]/g, '')}</title>
<style>body{font:14px/1.5 system-ui,sans-serif;margin:2rem;max-width:80rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;vertical-align:top}code{background:#f4f4f4}</style>
</head><body>
${body}
</body></html>
`;
}
