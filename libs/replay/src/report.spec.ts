import type { Envelope } from '@agentos/contracts';
import type { RecordedEvent } from '@agentos/event-store';
import { marked } from 'marked';
import { incidentReport, reportHtml } from './report';

/** Markup a user could put into anything a run records. */
const ATTACK = [
  '<img src=x onerror=alert(1)>',
  '"><script>alert(2)</script>',
  '[click](javascript:alert(3))',
  '![pic](javascript:alert(4))',
  '<a href="javascript:alert(5)">link</a>',
  '`<svg onload=alert(6)>` ``',
  '**bold** | cell',
  '&lt;b&gt;',
].join(' ');

const TAGS_THE_REPORT_WRITES = new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2', 'ul', 'li', 'p', 'strong', 'code', 'table', 'thead', 'tbody', 'tr', 'th', 'td']);
const ATTRIBUTES_THE_REPORT_WRITES = /^(\s+(lang|charset|http-equiv|content|align)="[^"]*")*\s*$/;

/** Every tag in the HTML, with its attributes, so a test can show that none came from user text. */
const tagsOf = (html: string) => [...html.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)].map(([, name, attributes]) => ({ name: name.toLowerCase(), attributes }));

let revision = 0;
const record = (type: string, payload: unknown, actorId = ATTACK): RecordedEvent => {
  const event: Envelope = {
    id: `00000000-0000-4000-8000-00000000000${revision}`,
    type,
    version: 1,
    occurredAt: `2026-01-01T00:00:0${revision}.000Z`,
    correlationId: '00000000-0000-4000-8000-000000000000',
    causationId: null,
    tenant: 'acme',
    actor: { kind: 'user', id: actorId },
    payload,
  };
  return { stream: 'workflow-x', revision: revision++, position: { commit: revision, prepare: revision }, event, prevHash: '', hash: '' };
};

const history = [
  record('IntentSubmitted', { intentId: 'i', goal: ATTACK, capability: ATTACK, input: { text: ATTACK } }),
  record('PolicyDecided', { requestId: 'r', action: ATTACK, resource: { kind: ATTACK, name: ATTACK }, effect: ATTACK, rule: ATTACK, reason: ATTACK, bundleVersion: ATTACK }),
  record('TaskCompleted', { intentId: 'i', agent: ATTACK, agentVersion: ATTACK, output: { summary: ATTACK } }),
  record('TaskFailed', { intentId: 'i', agent: ATTACK, error: ATTACK }),
  record(ATTACK, { anything: ATTACK }),
  record('IntentFailed', { intentId: 'i', reason: ATTACK }),
];
const markdown = incidentReport(history, {
  workflowId: ATTACK,
  chain: { ok: false, revision: 3, eventId: ATTACK, reason: ATTACK },
  divergence: { revision: 2, causeId: 'c', causeType: ATTACK, recorded: [{ type: ATTACK }] as never, recomputed: [{ reason: ATTACK }] as never },
  whatIf: [{ revision: 1, requestId: 'r', action: ATTACK, resource: ATTACK, recorded: { effect: ATTACK, rule: ATTACK, bundleVersion: ATTACK }, whatIf: { effect: ATTACK, rule: ATTACK, reason: ATTACK } }],
});

describe('the incident report keeps recorded user text inert', () => {
  it('writes no tag or attribute of its own choosing into the HTML page', () => {
    const html = reportHtml(markdown, `Incident report: ${ATTACK}`);
    const tags = tagsOf(html);
    expect(tags.length).toBeGreaterThan(20);
    expect(tags.filter((t) => !TAGS_THE_REPORT_WRITES.has(t.name))).toEqual([]);
    expect(tags.filter((t) => !ATTRIBUTES_THE_REPORT_WRITES.test(t.attributes))).toEqual([]);
    expect(html).not.toMatch(/javascript:alert\(\d\)"/);
  });

  it('shows the user text itself, escaped, in every section', () => {
    const html = reportHtml(markdown, 'report');
    const shown = html.split('&lt;img src=x onerror=alert(1)&gt;').length - 1;
    // Goal, capability, input, actor, policy fields, outputs, error, reasons, chain, divergence, what-if, title line.
    expect(shown).toBeGreaterThanOrEqual(20);
    expect(html).toContain('[click](javascript:alert(3))');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
  });

  it('is inert as Markdown too, for renderers that pass raw HTML through', () => {
    const rendered = marked.parse(markdown, { async: false });
    expect(tagsOf(rendered).filter((t) => !TAGS_THE_REPORT_WRITES.has(t.name))).toEqual([]);
    expect(tagsOf(rendered).filter((t) => !ATTRIBUTES_THE_REPORT_WRITES.test(t.attributes))).toEqual([]);
  });
});
