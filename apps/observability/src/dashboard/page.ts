/** The dashboard: one static page that renders what /api/stream (server-sent events) pushes. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>AgentOS dashboard</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:.8rem 1.2rem;display:flex;gap:1.5rem;align-items:center}
header h1{font-size:1.1rem;margin:0}
main{display:grid;grid-template-columns:2fr 1fr;gap:1rem;padding:1rem}
section{background:#fff;border-radius:6px;padding:.8rem 1rem;box-shadow:0 1px 2px #0002}
h2{font-size:.95rem;margin:.2rem 0 .6rem}
table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:.25rem .4rem;border-bottom:1px solid #eee;vertical-align:top}
.bar{position:relative;height:14px;background:#eef0f4;border-radius:3px;min-width:240px}
.seg{position:absolute;top:0;height:14px;border-radius:3px;opacity:.85}
.completed{color:#137333}.failed,.rejected{color:#b3261e}.running{color:#8a5a00}
.stat{font-size:1.4rem;font-weight:600}.stats{display:flex;gap:1.5rem}
button{background:#b3261e;color:#fff;border:0;border-radius:4px;padding:.4rem .8rem;cursor:pointer}
</style></head>
<body>
<header><h1>AgentOS</h1><span id="conn">connecting…</span></header>
<main>
<section style="grid-column:1/3"><div class="stats">
<div><div class="stat" id="submitted">0</div>submitted</div><div><div class="stat" id="completed">0</div>completed</div>
<div><div class="stat" id="rejected">0</div>rejected</div><div><div class="stat" id="failed">0</div>failed</div>
<div><div class="stat" id="p50">–</div>p50 to completion</div><div><div class="stat" id="p99">–</div>p99 to completion</div>
<div><div class="stat" id="dead">0</div>dead letters</div></div></section>
<section><h2>Workflows (per-step timeline)</h2><table><thead><tr><th>workflow</th><th>tenant</th><th>status</th><th>steps</th></tr></thead><tbody id="workflows"></tbody></table></section>
<section><h2>Agents</h2><table><tbody id="agents"></tbody></table>
<h2 style="margin-top:1rem">Kill switches</h2><div id="kills">none</div>
<p><button id="kill-all">Kill switch: stop everything</button></p>
<h2>Failure modes</h2><table><tbody id="failures"></tbody></table></section>
</main>
<script>
const colors={WorkflowStarted:'#5b7bd5',TaskQueued:'#b0b7c3',StepCompleted:'#2a9d5c',StepFailed:'#b3261e',StepRetryScheduled:'#e0a04b',WorkflowCompleted:'#137333',WorkflowFailed:'#b3261e',WorkflowRejected:'#b3261e',TaskExpired:'#e0684b',IntentSubmitted:'#5b7bd5',PolicyDecided:'#8e63ce',TaskAssigned:'#d59a2b',TaskCompleted:'#2a9d5c',IntentCompleted:'#137333',IntentRejected:'#b3261e',IntentFailed:'#b3261e',TaskFailed:'#e0684b',ApprovalRequested:'#c9a000',IntentApproved:'#6aa84f',BudgetExhausted:'#b3261e'};
const esc=(s)=>String(s).replace(/[&<>"]/g,(c)=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
const workflows=new Map();
function renderWorkflows(){
  const rows=[...workflows.values()].sort((a,b)=>b.startedAt.localeCompare(a.startedAt)).slice(0,50).map((w)=>{
    const t0=Date.parse(w.startedAt);const end=Math.max(...w.steps.map((s)=>Date.parse(s.at)),t0+1);const span=end-t0;
    const segs=w.steps.map((s,i)=>{const a=Date.parse(s.at)-t0;const b=i+1<w.steps.length?Date.parse(w.steps[i+1].at)-t0:a+span*0.04;
      return '<div class="seg" title="'+esc(s.type+' by '+s.by+' at '+s.at)+'" style="left:'+(a/span*96)+'%;width:'+Math.max(1.5,(b-a)/span*96)+'%;background:'+(colors[s.type.split(' ')[0]]||'#999')+'"></div>';}).join('');
    return '<tr data-workflow="'+esc(w.id)+'" data-status="'+esc(w.status)+'"><td title="'+esc(w.goal)+'">'+esc(w.id.slice(0,8))+' '+esc(w.capability)+'</td><td>'+esc(w.tenant)+'</td><td class="'+esc(w.status)+'">'+esc(w.status)+'</td><td><div class="bar">'+segs+'</div></td></tr>';});
  document.getElementById('workflows').innerHTML=rows.join('');
}
function renderMetrics(m){
  for(const k of ['submitted','completed','rejected','failed'])document.getElementById(k).textContent=m.intents[k];
  document.getElementById('p50').textContent=m.intentLatencyMs.count?'≤ '+m.intentLatencyMs.p50+' ms':'–';
  document.getElementById('p99').textContent=m.intentLatencyMs.count?'≤ '+m.intentLatencyMs.p99+' ms':'–';
  document.getElementById('dead').textContent=Object.values(m.deadLetters).reduce((a,b)=>a+b,0);
  document.getElementById('failures').innerHTML=Object.entries(m.deadLetters).map(([r,n])=>'<tr><td>dead letter: '+esc(r)+'</td><td>'+n+'</td></tr>').join('')+(m.intents.failed?'<tr><td>failed intents</td><td>'+m.intents.failed+'</td></tr>':'')+(m.intents.rejected?'<tr><td>rejected intents</td><td>'+m.intents.rejected+'</td></tr>':'');
}
function renderAgents(agents){document.getElementById('agents').innerHTML=agents.map((a)=>'<tr><td>'+esc(a.name+'@'+a.version)+'</td><td>'+esc(a.capabilities.join(', '))+'</td><td>'+esc(a.instanceId)+'</td></tr>').join('')||'<tr><td>none registered</td></tr>';}
function renderKills(k){document.getElementById('kills').innerHTML=k.length?k.map((s)=>'<div data-kill="'+esc(s.scope+':'+s.target)+'"><b>'+esc(s.scope+' '+s.target)+'</b>: '+esc(s.reason)+'</div>').join(''):'none';}
const source=new EventSource('/api/stream');
source.onopen=()=>{document.getElementById('conn').textContent='live';};
source.onerror=()=>{document.getElementById('conn').textContent='reconnecting…';};
source.addEventListener('workflow',(e)=>{const w=JSON.parse(e.data);workflows.set(w.id,w);renderWorkflows();});
source.addEventListener('metrics',(e)=>renderMetrics(JSON.parse(e.data)));
source.addEventListener('agents',(e)=>renderAgents(JSON.parse(e.data)));
source.addEventListener('kill-switches',(e)=>renderKills(JSON.parse(e.data)));
document.getElementById('kill-all').onclick=async()=>{
  const reason=prompt('Why stop everything?','stopped from the dashboard');if(!reason)return;
  await fetch('/api/kill-switch',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({scope:'global',target:'*',reason})});
};
</script></body></html>`;
