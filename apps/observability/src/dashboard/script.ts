/**
 * The dashboard's browser code. Data only ever reaches the page as text (textContent, or attributes
 * that are neither URLs nor handlers), never as markup. The token is kept in sessionStorage and sent as
 * a bearer header; the live feed is read with fetch, because EventSource cannot send headers and a
 * token in the URL would end up in logs.
 */
export const DASHBOARD_SCRIPT = String.raw`'use strict';
const COLORS = new Map(Object.entries({WorkflowStarted:'#5b7bd5',TaskQueued:'#b0b7c3',StepCompleted:'#2a9d5c',StepFailed:'#b3261e',StepRetryScheduled:'#e0a04b',WorkflowCompleted:'#137333',WorkflowFailed:'#b3261e',WorkflowRejected:'#b3261e',TaskExpired:'#e0684b',IntentSubmitted:'#5b7bd5',PolicyDecided:'#8e63ce',TaskAssigned:'#d59a2b',TaskCompleted:'#2a9d5c',IntentCompleted:'#137333',IntentRejected:'#b3261e',IntentFailed:'#b3261e',TaskFailed:'#e0684b',ApprovalRequested:'#c9a000',IntentApproved:'#6aa84f',BudgetExhausted:'#b3261e'}));
const workflows = new Map();
let token = sessionStorage.getItem('agentos-token') || '';
let feed;

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  node.append(...children.map((child) => (child instanceof Node ? child : String(child))));
  return node;
}
const fill = (id, ...nodes) => document.getElementById(id).replaceChildren(...nodes);
const show = (id, text) => { document.getElementById(id).textContent = text; };
const withToken = (headers) => (token ? { ...headers, authorization: 'Bearer ' + token } : headers);

function renderWorkflows() {
  const rows = [...workflows.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, 50).map((w) => {
    const t0 = Date.parse(w.startedAt);
    const span = Math.max(...w.steps.map((s) => Date.parse(s.at)), t0 + 1) - t0;
    const bar = el('div', { class: 'bar' });
    w.steps.forEach((s, i) => {
      const a = Date.parse(s.at) - t0;
      const b = i + 1 < w.steps.length ? Date.parse(w.steps[i + 1].at) - t0 : a + span * 0.04;
      const seg = el('div', { class: 'seg', title: s.type + ' by ' + s.by + ' at ' + s.at });
      seg.style.left = (a / span) * 96 + '%';
      seg.style.width = Math.max(1.5, ((b - a) / span) * 96) + '%';
      seg.style.background = COLORS.get(s.type.split(' ')[0]) || '#999';
      bar.append(seg);
    });
    return el('tr', { 'data-workflow': w.id, 'data-status': w.status },
      el('td', { title: w.goal }, w.id.slice(0, 8) + ' ' + w.capability), el('td', {}, w.tenant), el('td', { class: w.status }, w.status), el('td', {}, bar));
  });
  fill('workflows', ...rows);
}

function renderMetrics(m) {
  for (const k of ['submitted', 'completed']) show(k, m.intents[k]);
  // Intents and workflows end alike: these counters are both, and the reasons below say why runs failed.
  for (const k of ['rejected', 'failed']) show(k, m.intents[k] + (m.workflows[k] || 0));
  show('p50', m.intentLatencyMs.count ? '≤ ' + m.intentLatencyMs.p50 + ' ms' : '–');
  show('p99', m.intentLatencyMs.count ? '≤ ' + m.intentLatencyMs.p99 + ' ms' : '–');
  show('dead', Object.values(m.deadLetters).reduce((a, b) => a + b, 0));
  const rows = Object.entries(m.deadLetters).map(([reason, n]) => ['dead letter: ' + reason, n]);
  rows.push(...Object.entries(m.failures).map(([reason, n]) => ['failed: ' + reason, n]));
  if (m.intents.rejected) rows.push(['rejected intents', m.intents.rejected]);
  fill('failures', ...rows.map(([what, n]) => el('tr', {}, el('td', {}, what), el('td', {}, n))));
}

function renderAgents(agents) {
  const rows = agents.map((a) => el('tr', {}, el('td', {}, a.name + '@' + a.version), el('td', {}, a.capabilities.join(', ')), el('td', {}, a.instanceId)));
  fill('agents', ...(rows.length ? rows : [el('tr', {}, el('td', {}, 'none registered'))]));
}

function renderKills(switches) {
  if (!switches.length) return fill('kills', 'none');
  fill('kills', ...switches.map((s) => el('div', { 'data-kill': s.scope + ':' + s.target }, el('b', {}, s.scope + ' ' + s.target), ': ' + s.reason)));
}

const HANDLERS = { workflow: (w) => { workflows.set(w.id, w); renderWorkflows(); }, metrics: renderMetrics, agents: renderAgents, 'kill-switches': renderKills };

/** One server-sent event: "event: <name>" and "data: <json>" lines. */
function dispatch(frame) {
  const field = (name) => frame.split('\n').find((line) => line.startsWith(name + ': '))?.slice(name.length + 2);
  const name = field('event');
  const data = field('data');
  if (Object.hasOwn(HANDLERS, name) && data !== undefined) HANDLERS[name](JSON.parse(data));
}

async function follow() {
  feed?.abort();
  const controller = (feed = new AbortController());
  show('conn', 'connecting…');
  try {
    const response = await fetch('/api/stream', { headers: withToken({}), signal: controller.signal });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      // A refused token is not retried: the page waits for another one.
      return show('conn', 'not connected: ' + (body.error || response.status));
    }
    show('conn', 'live');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        dispatch(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  } catch {
    if (controller.signal.aborted) return;
  }
  if (feed === controller) {
    show('conn', 'reconnecting…');
    setTimeout(follow, 2000);
  }
}

document.getElementById('login').addEventListener('submit', (event) => {
  event.preventDefault();
  token = document.getElementById('token').value.trim();
  document.getElementById('token').value = '';
  sessionStorage.setItem('agentos-token', token);
  void follow();
});

document.getElementById('kill-all').addEventListener('click', async () => {
  const reason = prompt('Why stop everything?', 'stopped from the dashboard');
  if (!reason) return;
  const response = await fetch('/api/kill-switch', { method: 'POST', headers: withToken({ 'content-type': 'application/json' }), body: JSON.stringify({ scope: 'global', target: '*', reason }) });
  const body = await response.json().catch(() => ({}));
  show('kill-result', response.ok ? 'thrown' : 'refused: ' + (body.error || response.status));
});

void follow();
`;
