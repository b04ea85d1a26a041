/**
 * The dashboard: one static page (no data in it) whose script, /dashboard.js, asks for an access token
 * and renders what /api/stream pushes. Script and style are files of their own so that the
 * Content-Security-Policy can refuse every inline script.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>AgentOS dashboard</title>
<link rel="stylesheet" href="/dashboard.css"><script src="/dashboard.js" defer></script></head>
<body>
<header><h1>AgentOS</h1><span id="conn">connecting…</span>
<form id="login"><input id="token" type="password" placeholder="access token" autocomplete="off" aria-label="access token"><button id="use-token">use token</button></form></header>
<main>
<section class="wide"><div class="stats">
<div><div class="stat" id="submitted">0</div>submitted</div><div><div class="stat" id="completed">0</div>completed</div>
<div><div class="stat" id="rejected">0</div>rejected</div><div><div class="stat" id="failed">0</div>failed</div>
<div><div class="stat" id="p50">–</div>p50 to completion</div><div><div class="stat" id="p99">–</div>p99 to completion</div>
<div><div class="stat" id="dead">0</div>dead letters</div></div></section>
<section><h2>Workflows (per-step timeline)</h2><table><thead><tr><th>workflow</th><th>tenant</th><th>status</th><th>steps</th></tr></thead><tbody id="workflows"></tbody></table></section>
<section><h2>Agents</h2><table><tbody id="agents"></tbody></table>
<h2 class="spaced">Kill switches</h2><div id="kills">none</div>
<p><button id="kill-all" class="danger">Kill switch: stop everything</button> <span id="kill-result"></span></p>
<h2>Failure modes</h2><table><tbody id="failures"></tbody></table></section>
</main>
</body></html>`;

export const DASHBOARD_CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:.8rem 1.2rem;display:flex;gap:1.5rem;align-items:center}
header h1{font-size:1.1rem;margin:0}
header form{margin-left:auto;display:flex;gap:.4rem}
main{display:grid;grid-template-columns:2fr 1fr;gap:1rem;padding:1rem}
section{background:#fff;border-radius:6px;padding:.8rem 1rem;box-shadow:0 1px 2px #0002}
section.wide{grid-column:1/3}
h2{font-size:.95rem;margin:.2rem 0 .6rem}
h2.spaced{margin-top:1rem}
table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:.25rem .4rem;border-bottom:1px solid #eee;vertical-align:top}
.bar{position:relative;height:14px;background:#eef0f4;border-radius:3px;min-width:240px}
.seg{position:absolute;top:0;height:14px;border-radius:3px;opacity:.85}
.completed{color:#137333}.failed,.rejected{color:#b3261e}.running{color:#8a5a00}
.stat{font-size:1.4rem;font-weight:600}.stats{display:flex;gap:1.5rem}
button{background:#5b7bd5;color:#fff;border:0;border-radius:4px;padding:.4rem .8rem;cursor:pointer}
button.danger{background:#b3261e}
`;
