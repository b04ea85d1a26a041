/**
 * `npm start`: the whole system on the embedded defaults (a local nats-server storing under .data/,
 * the JetStream event store), each app as its own process, then a demo intent through it, printing
 * every step, then a three-step workflow from examples/ with the CLI. Exits when both have settled;
 * AGENTOS_KEEP_RUNNING=1 keeps the system up. NATS runs in operator mode, each app on its own credentials
 * (scripts/local-auth.ts); AGENTOS_INSECURE=1 runs it without authentication.
 */
import { createMessage, newId, type AnyMessage, type Envelope } from '@agentos/contracts';
import { newAccessTokenEntry } from '@agentos/identity';
import { JetStreamEventStore } from '@agentos/event-store';
import { JetStreamClientProxy, NatsConnector, bootstrapNats } from '@agentos/messaging';
import { workflowStream } from '@agentos/orchestration';
import { freePort, prepareIdentity, startNatsServer, waitFor, type NatsCredentials } from '@agentos/testing';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { localAuth, spawnSystem } from './local-auth';
import { localSigningKeys } from './local-signing';
import { ROOT, spawnApp } from './processes';

const TEXT =
  'AgentOS is the control layer between compute and autonomous agents. It schedules them, moves their messages and records every decision. Any incident can be replayed step by step.';

const t0 = Date.now();
const say = (text: string) => console.log(`${String(Date.now() - t0).padStart(6)} ms  ${text}`);

function describe(message: AnyMessage): string {
  const p = message.payload as Record<string, unknown>;
  switch (message.type) {
    case 'SubmitIntent':
    case 'IntentSubmitted':
      return `intent ${String(p.intentId).slice(0, 8)} "${p.goal}" needs ${p.capability}`;
    case 'PolicyCheckRequested':
      return `may tenant ${message.tenant} do ${p.action} on ${JSON.stringify(p.resource)}?`;
    case 'PolicyDecided':
      return `${p.effect} by rule ${p.rule} (bundle ${p.bundleVersion}): ${p.reason}`;
    case 'TaskQueued':
      return `task ${String(p.taskId).slice(0, 8)} queued for ${JSON.stringify(p.target)}`;
    case 'TaskAssigned':
      return `task ${String(p.taskId).slice(0, 8)} → agent ${p.agent}@${p.agentVersion} on ${p.instanceId}`;
    case 'TaskCompleted':
      return `agent ${p.agent}@${p.agentVersion} (${p.instanceId}) finished`;
    case 'MemoryWritten':
      return `memory ${p.scope}/${String(p.scopeId).slice(0, 8)}/${p.key} now at revision ${p.revision}`;
    case 'IntentCompleted':
      return `output ${JSON.stringify(p.output)}`;
    default:
      return JSON.stringify(p);
  }
}

/**
 * A one-run token for an HTTP face (the dashboard, the gateway: each refuses everyone without one) acting as the CLI's
 * principal, the platform's operator (its creds when NATS has auth: what the token sends goes out as that principal),
 * unless the operator set up access (`tokensVariable` set, or AGENTOS_INSECURE=1).
 */
function oneRunAccess(tokensVariable: 'AGENTOS_OBSERVABILITY_TOKENS_FILE' | 'AGENTOS_GATEWAY_TOKENS_FILE', file: string, credentials: Readonly<Record<string, NatsCredentials>> | undefined): { env: Record<string, string>; token?: string } {
  if (process.env[tokensVariable] || process.env.AGENTOS_INSECURE === '1') return { env: {} };
  const { token, entry } = newAccessTokenEntry({ name: 'cli', tenant: 'system', role: 'operator', ...(credentials ? { creds: credentials.cli.creds } : {}) });
  const path = join(ROOT, '.data', file);
  mkdirSync(join(ROOT, '.data'), { recursive: true });
  writeFileSync(path, JSON.stringify({ tokens: [entry] }), { mode: 0o600 });
  return { env: { [tokensVariable]: path }, token };
}

async function main() {
  const keepRunning = process.env.AGENTOS_KEEP_RUNNING === '1';
  let natsUrl = process.env.NATS_URL;
  let stopNats = async () => undefined as void;
  const auth = localAuth(say);
  let credentials: Readonly<Record<string, NatsCredentials>> | undefined;
  if (natsUrl) {
    // A given NATS_URL is a server started with `npm run nats`, on the same identity.
    credentials = auth && (await prepareIdentity(auth)).credentials;
  } else {
    const storeDir = join(ROOT, '.data', 'nats');
    mkdirSync(storeDir, { recursive: true });
    const nats = await startNatsServer({ storeDir, port: keepRunning ? 4222 : await freePort(), auth });
    natsUrl = nats.url;
    stopNats = () => nats.stop();
    credentials = nats.credentials;
    say(`nats-server (JetStream) on ${nats.url}, store ${storeDir}, pid ${nats.pid}${auth ? `, operator mode: identity and creds in ${auth.identityDir}` : ''}`);
  }
  const login = (user: string) => (credentials ? { creds: credentials[user].creds } : {});

  await bootstrapNats({ servers: natsUrl, name: 'demo-bootstrap', ...login('admin') });
  const keyAdmin = new NatsConnector({ servers: natsUrl, name: 'demo-signing-keys', ...login('admin') });
  const signingKeys = await localSigningKeys(keyAdmin, join(ROOT, '.data', 'signing'));
  await keyAdmin.close();
  // The dashboard gets its usual port only when the system stays up; a one-shot demo takes any free one.
  const dashboardPort = process.env.AGENTOS_OBSERVABILITY_PORT ?? (keepRunning ? '9464' : '0');
  const dashboard = oneRunAccess('AGENTOS_OBSERVABILITY_TOKENS_FILE', 'observability-tokens.json', credentials);
  const logs = join(ROOT, '.data', 'logs');
  const appEnv = { NATS_URL: natsUrl, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' };
  const gatewayPort = process.env.AGENTOS_GATEWAY_PORT ?? (keepRunning ? '8080' : '0');
  const api = oneRunAccess('AGENTOS_GATEWAY_TOKENS_FILE', 'gateway-tokens.json', credentials);
  let gatewayUrl = '';
  const apps = [
    ...spawnSystem({ ...appEnv, AGENTOS_OBSERVABILITY_PORT: dashboardPort, ...dashboard.env }, credentials, logs, signingKeys),
    // The HTTP gateway, as its own NATS user.
    spawnApp('gateway', { ...appEnv, AGENTOS_GATEWAY_PORT: gatewayPort, ...api.env, ...(credentials ? { NATS_CREDS: credentials.gateway.creds } : {}) }, (line) => {
      if (line.event === 'service.started') gatewayUrl = String(line.url);
    }, { logFile: join(logs, 'gateway.log') }),
  ];
  say(`each app's log (JSON lines, appended): ${relative(ROOT, logs)}/<app>.log`);
  const stopApps = async () => {
    apps.forEach((app) => app.child.kill('SIGTERM'));
    await Promise.all(apps.map((app) => app.exited));
  };
  try {
    const started = await Promise.all(apps.map((app) => app.started.then(() => app)));
    say(`started ${started.map((a) => `${a.name} (pid ${a.child.pid})`).join(', ')}`);

    // The demo watches every message: it logs in as admin.
    const connector = new NatsConnector({ servers: natsUrl, name: 'demo', ...login('admin') });
    const client = new JetStreamClientProxy(connector);
    await client.connect();
    const origin = { tenant: 'demo', actor: { kind: 'user' as const, id: 'demo-user' } };
    await waitFor(() => client.query(createMessage('FindAgents', { capability: 'summarise' }, origin)), (r) => r.agents.length > 0, { what: 'an agent for "summarise"' });

    const intentId = newId();
    const command = createMessage('SubmitIntent', { intentId, goal: 'summarise the AgentOS pitch', capability: 'summarise', input: { text: TEXT } }, origin);
    // Watch the intent travel: every message of this correlation, as services publish it.
    const watch = (await connector.connection$()).subscribe('agentos.>');
    const settled = new Promise<Envelope>((resolve) => {
      void (async () => {
        for await (const raw of watch) {
          if (raw.subject.startsWith('$') || raw.subject.startsWith('agentos.query')) continue;
          const message = JSON.parse(Buffer.from(raw.data).toString()) as AnyMessage;
          if (message.correlationId !== command.correlationId) continue;
          say(`${message.actor.id.padEnd(18)} ${message.type.padEnd(21)} ${describe(message)}`);
          if (['IntentCompleted', 'IntentRejected', 'IntentFailed'].includes(message.type)) resolve(message);
        }
      })();
    });
    say(`submitting SubmitIntent ${intentId} as ${origin.actor.id}@${origin.tenant}`);
    await client.publishMessage(command);
    const outcome = await Promise.race([settled, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the intent did not settle in 30 s')), 30_000))]);
    watch.unsubscribe();

    const history = await new JetStreamEventStore(connector).readStream(workflowStream(intentId));
    say(`event store stream ${workflowStream(intentId)}: ${history.map((r) => `${r.revision}:${r.event.type}`).join(' → ')}`);
    say(outcome.type === 'IntentCompleted' ? `result: ${JSON.stringify((outcome.payload as { output: unknown }).output)}` : `intent ended as ${outcome.type}`);
    await client.close();
    if (outcome.type !== 'IntentCompleted') process.exitCode = 1;

    // Then a declarative workflow (research → summarise → review), run the way a team would: from the CLI.
    say('running examples/research-report.yaml with the CLI: agentos run examples/research-report.yaml --input topic="agent operating systems"');
    const cli = spawn(process.execPath, [join(ROOT, 'apps/cli/bin/agentos.js'), 'run', join(ROOT, 'examples/research-report.yaml'), '--input', 'topic=agent operating systems'], {
      // As the CLI's principal (a platform operator; it acts as user-cli), acting for tenant demo.
      env: { ...process.env, NATS_URL: natsUrl, AGENTOS_TENANT: 'demo', ...(credentials ? { NATS_CREDS: credentials.cli.creds } : { AGENTOS_USER: 'demo-user' }) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const workflowCode = await new Promise<number | null>((resolve) => cli.once('exit', resolve));
    say(workflowCode === 0 ? 'workflow completed' : `workflow ended with exit code ${workflowCode}`);
    if (workflowCode !== 0) process.exitCode = 1;

    // The same intent's record, through the HTTP gateway.
    const viaHttp = await fetch(`${gatewayUrl}/v1/runs/${intentId}`, { headers: api.token ? { authorization: `Bearer ${api.token}` } : {} });
    const run = (await viaHttp.json()) as { status?: string; events?: number; detail?: string };
    say(`GET ${gatewayUrl}/v1/runs/${intentId}: ${viaHttp.status} ${run.status ?? run.detail} (${run.events ?? 0} events); API description at ${gatewayUrl}/openapi.json`);
    if (viaHttp.status !== 200) process.exitCode = 1;
    if (keepRunning) {
      say(`system is running: dashboard http://127.0.0.1:${dashboardPort}/, metrics /metrics; replay it with: npm run agentos -- replay ${intentId} (Ctrl-C to stop)`);
      if (dashboard.token) say(`dashboard access token (the platform operator, this run only): ${dashboard.token}`);
      if (api.token) say(`gateway ${gatewayUrl} bearer token (the platform operator, this run only): ${api.token}`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
  } finally {
    await stopApps();
    await stopNats();
    say('stopped');
  }
}

main().catch((error: Error) => {
  console.error(`demo failed: ${error.message}`);
  process.exit(1);
});
