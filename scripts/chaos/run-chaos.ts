import { subjectFilter, createMessage, decodeMessage, newId, type AnyMessage, type Envelope, type MessageOf } from '@agentos/contracts';
import { JetStreamEventStore } from '@agentos/event-store';
import { JetStreamClientProxy, NatsConnector, bootstrapNats } from '@agentos/messaging';
import { workflowStream } from '@agentos/orchestration';
import { readStoredMessages, startNatsServer, waitFor } from '@agentos/testing';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, spawnApp, spawnScript, type AppProcess } from '../processes';
import { tally, type RunKind, type RunRecord, type RunTally } from './tally';
import { chaosWorkflows } from './workflows';

export const CHAOS_SERVICES = ['orchestrator', 'registry', 'memory', 'policy', 'observability'] as const;

export interface ChaosOptions {
  intents: number;
  /** Workflows (the examples/ ones in turn), submitted among the intents. */
  workflows: number;
  /** Runs in flight at once. */
  window: number;
  /** A random service is SIGKILLed and restarted this often. */
  killEveryMs: number;
  /** nats-server is SIGKILLed and restarted this many times, spread evenly over the submissions. */
  natsRestarts: number;
  /** Give up waiting for the last runs after this long. */
  settleTimeoutMs: number;
  /** Run the `nx build` bundles (quick restarts) rather than the sources through swc's hook. */
  built: boolean;
  /**
   * Orchestrator replicas (default 1): one active on the lease, the others standing by, each killed like any service.
   * With more than one the lease is short (3 s), so a killed active replica is often replaced before it is back.
   */
  orchestrators?: number;
  progress?: (line: string) => void;
}

export interface ChaosReport {
  intents: RunTally;
  workflows: RunTally;
  /** For the first runs with a step whose side effect ran twice: each run of the effect and the run's history. */
  duplicates: DuplicateEvidence[];
  /** For the first runs that never settled: their histories, to see where each stopped. */
  lostRuns: { runId: string; history: string[] }[];
  /** When nats-server was killed (ISO times), to set the duplicates against. */
  natsKilledAt: string[];
  kills: Record<string, number>;
  orchestrators: number;
  natsRestarts: number;
  deadLetters: Record<string, number>;
  durationSeconds: number;
}

export interface DuplicateEvidence {
  runId: string;
  effects: { stepId: string; taskId: string; attempt: number; instanceId: string; at: string }[];
  history: string[];
}

type Effect = DuplicateEvidence['effects'][number] & { intentId: string };

const SETTLING = ['IntentCompleted', 'IntentFailed', 'IntentRejected', 'WorkflowCompleted', 'WorkflowFailed', 'WorkflowRejected'] as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Spreads `some` of `all` submissions evenly: whether submission `i` is one of them. */
const spread = (i: number, some: number, all: number) => Math.floor(((i + 1) * some) / all) > Math.floor((i * some) / all);

/**
 * Intents and workflows through the whole system (each app its own process, two agent processes)
 * while a random service is SIGKILLed and restarted every `killEveryMs`, and nats-server is killed and
 * restarted `natsRestarts` times. Then every run's outcome is read back from the event store, and
 * every step's side effects are counted.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const say = options.progress ?? (() => undefined);
  if (options.built) for (const app of CHAOS_SERVICES) if (!existsSync(join(ROOT, 'dist', app, 'apps', app, 'src', 'main.js'))) throw new Error(`dist/${app} is missing: run npm run build first`);
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'agentos-chaos-'));
  const effectsFile = join(work, 'effects.log');
  const nats = await startNatsServer({ storeDir: join(work, 'nats') });
  await bootstrapNats({ servers: nats.url, name: 'chaos-bootstrap' });
  // info: the start line, which tells that a (re)started app is up, is an info line.
  const orchestrators = options.orchestrators ?? 1;
  const env = { NATS_URL: nats.url, LOG_LEVEL: 'info', AGENTOS_OBSERVABILITY_PORT: '0', ...(orchestrators > 1 ? { AGENTOS_LEASE_MS: '3000' } : {}) };
  // The processes killed at random: one per service, and each orchestrator replica by its own name.
  const replicas = CHAOS_SERVICES.flatMap((app) => (app === 'orchestrator' && orchestrators > 1 ? Array.from({ length: orchestrators }, (_, i) => `orchestrator-${i + 1}`) : [app]));
  const appOf = (replica: string) => CHAOS_SERVICES.find((app) => replica === app || replica.startsWith(`${app}-`))!;
  const services = new Map<string, AppProcess>();
  // Like a container platform: an app that exits before it is up (NATS restarting) is started again.
  const startService = async (name: string) => {
    for (let attempt = 1; ; attempt += 1) {
      // A stable replica name, as a pod keeps its own: a restarted orchestrator takes its partitions back at once (if
      // no other replica has taken them meanwhile).
      const app = spawnApp(appOf(name), { ...env, AGENTOS_INSTANCE_ID: name === appOf(name) ? `${name}-1` : name }, undefined, { built: options.built });
      services.set(name, app);
      try {
        return await app.started;
      } catch (error) {
        if (attempt >= 10) throw error;
        await sleep(1_000);
      }
    }
  };
  say(`nats-server ${nats.url}; starting ${replicas.join(', ')} and two agent processes`);
  await Promise.all(replicas.map(startService));
  const workers = ['chaos-a', 'chaos-b'].map((id) => spawnScript(id, join(__dirname, 'worker.ts'), { ...env, AGENTOS_INSTANCE_ID: id, CHAOS_EFFECTS_FILE: effectsFile }));
  await Promise.all(workers.map((w) => w.started));

  const connector = new NatsConnector({ servers: nats.url, name: 'chaos' });
  const client = new JetStreamClientProxy(connector);
  const origin = { tenant: 'chaos', actor: { kind: 'user' as const, id: 'chaos' } };
  await waitFor(() => client.query(createMessage('FindAgents', { capability: 'chaos' }, origin)), (r) => r.agents.length === 2, { what: 'both chaos workers', timeoutMs: 30_000 });

  const submittedAt = new Map<string, number>();
  const kinds = new Map<string, RunKind>();
  const latencies = new Map<string, number>();
  const settled = new Set<string>();
  const nc = await connector.connection$();
  const runIdOf = (message: Envelope) => (message.payload as { intentId?: string; workflowId?: string }).intentId ?? (message.payload as { workflowId: string }).workflowId;
  for (const type of SETTLING) {
    nc.subscribe(subjectFilter(type), { callback: (_, msg) => {
      const parsed = decodeMessage(msg.data);
      if (!parsed.ok || settled.has(runIdOf(parsed.message))) return;
      const runId = runIdOf(parsed.message);
      settled.add(runId);
      const at = submittedAt.get(runId);
      if (at !== undefined) latencies.set(runId, Date.now() - at);
    } });
  }

  // The chaos: a random service every killEveryMs. The next kill does not wait for the last victim to
  // be back, so at times two or more services are down together.
  const kills: Record<string, number> = {};
  let chaos = true;
  const natsKilledAt: string[] = [];
  const restarting = new Set<string>();
  const restarts: Promise<unknown>[] = [];
  const killer = (async () => {
    while (chaos) {
      await sleep(options.killEveryMs);
      const up = replicas.filter((name) => !restarting.has(name));
      if (!chaos || up.length === 0) continue;
      const name = up[Math.floor(Math.random() * up.length)];
      const victim = services.get(name)!;
      restarting.add(name);
      victim.child.kill('SIGKILL');
      kills[name] = (kills[name] ?? 0) + 1;
      say(`killed ${name} (pid ${victim.child.pid}); restarting`);
      restarts.push(
        victim.exited
          .then(() => startService(name))
          .catch((error: Error) => say(`restart of ${name} failed: ${error.message}`))
          .finally(() => restarting.delete(name)),
      );
    }
    await Promise.all(restarts);
  })();

  const total = options.intents + options.workflows;
  const workflowFor = chaosWorkflows();
  const ids: string[] = [];
  let next = 0;
  let workflowsSubmitted = 0;
  const natsRestartAt = new Set(Array.from({ length: options.natsRestarts }, (_, k) => Math.floor((total * (k + 1)) / (options.natsRestarts + 1))));
  const restartNats = async () => {
    say(`killing nats-server (pid ${nats.pid}) and starting it again`);
    natsKilledAt.push(new Date().toISOString());
    await nats.kill();
    await sleep(500);
    await nats.restart();
  };
  const commandFor = (i: number): AnyMessage => {
    if (!spread(i, options.workflows, total)) return createMessage('SubmitIntent', { intentId: newId(), goal: 'chaos', capability: 'chaos', input: { i } }, origin);
    const { definition, input } = workflowFor((workflowsSubmitted += 1));
    return createMessage('RunWorkflow', { workflowId: newId(), definition, input }, origin);
  };
  const submitter = async () => {
    while (next < total) {
      const i = next++;
      if (natsRestartAt.has(i)) await restartNats();
      const command = commandFor(i);
      const runId = runIdOf(command);
      ids.push(runId);
      kinds.set(runId, command.type === 'RunWorkflow' ? 'workflow' : 'intent');
      submittedAt.set(runId, Date.now());
      // The same message (same id: JetStream stores it once) until the server takes it.
      for (;;) {
        try {
          await client.publishMessage(command);
          break;
        } catch {
          await sleep(250);
        }
      }
      while (submittedAt.size - settled.size >= options.window) await sleep(5);
      if (i % 500 === 0) say(`${i} submitted, ${settled.size} settled`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, submitter));
  say(`all ${total} submitted; waiting for them to settle`);
  // The subscription is not durable (it misses what is published while nats-server restarts): the
  // event store is the record, so runs not heard of are looked up there.
  const store = new JetStreamEventStore(connector);
  const historyOf = async (id: string) => (await store.readStream(workflowStream(id)).catch(() => [])).map((r) => r.event);
  const endingOf = (history: Envelope[]) => history.find((e) => (SETTLING as readonly string[]).includes(e.type));
  const deadline = Date.now() + options.settleTimeoutMs;
  while (settled.size < total && Date.now() < deadline) {
    await sleep(3_000);
    for (const id of ids.filter((i) => !settled.has(i))) if (endingOf(await historyOf(id))) settled.add(id);
  }
  chaos = false;
  await killer;

  const effects = new Map<string, Effect[]>();
  for (const line of readFileSync(effectsFile, 'utf8').split('\n').filter(Boolean)) {
    const effect = JSON.parse(line) as Effect;
    effects.set(effect.intentId, [...(effects.get(effect.intentId) ?? []), effect]);
  }
  const records: RunRecord[] = [];
  const duplicates: DuplicateEvidence[] = [];
  const lostRuns: ChaosReport['lostRuns'] = [];
  /** One line per event: when, what, who recorded it, and the step, attempt, task and instance it names. */
  const lines = (history: Envelope[]) =>
    history.map((event) => {
      const p = event.payload as { stepId?: string; attempt?: number; instanceId?: string; taskId?: string; owner?: string };
      const about = [p.stepId, p.attempt && `#${p.attempt}`, p.taskId && `task ${p.taskId.slice(0, 8)}`, p.instanceId && `on ${p.instanceId}`, p.owner && `owner ${p.owner}`].filter(Boolean).join(' ');
      return `${event.occurredAt.slice(11, 23)} ${event.type} by ${event.actor.id}${about ? ` ${about}` : ''}`;
    });
  for (const id of ids) {
    const history = await historyOf(id);
    const perStep = new Map<string, number>();
    for (const effect of effects.get(id) ?? []) perStep.set(effect.stepId, (perStep.get(effect.stepId) ?? 0) + 1);
    const ending = endingOf(history);
    const lastEvent = history.filter((e) => e.type !== 'DecisionInputRecorded').at(-1)?.type;
    records.push({ kind: kinds.get(id)!, ending, lastEvent, latencyMs: latencies.get(id), effects: perStep });
    if (!ending && lostRuns.length < 10) lostRuns.push({ runId: id, history: lines(history) });
    if ([...perStep.values()].some((count) => count > 1) && duplicates.length < 20) {
      duplicates.push({
        runId: id,
        effects: (effects.get(id) ?? []).map(({ stepId, taskId, attempt, instanceId, at }) => ({ stepId, taskId, attempt, instanceId, at })),
        history: lines(history),
      });
    }
  }
  const deadLetters: Record<string, number> = {};
  for (const letter of await readStoredMessages<MessageOf<'MessageDeadLettered'>>(await connector.manager$(), 'AGENTOS_DEAD_LETTERS')) {
    // Grouped by what went wrong, not by which run: ids are replaced by <id>.
    const key = `${letter.payload.reason} (${letter.payload.service}): ${letter.payload.error.replace(/[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}/g, '<id>').slice(0, 160)}`;
    deadLetters[key] = (deadLetters[key] ?? 0) + 1;
  }
  await client.close();
  for (const app of [...services.values(), ...workers]) app.child.kill('SIGTERM');
  await Promise.all([...services.values(), ...workers].map((app) => app.exited));
  await nats.stop();
  return {
    intents: tally(records.filter((r) => r.kind === 'intent')),
    workflows: tally(records.filter((r) => r.kind === 'workflow')),
    duplicates,
    lostRuns,
    natsKilledAt,
    kills,
    orchestrators,
    natsRestarts: natsKilledAt.length,
    deadLetters,
    durationSeconds: Math.round((Date.now() - started) / 1000),
  };
}
