import { subjectFilter, createMessage, decodeMessage, newId, type MessageOf } from '@agentos/contracts';
import { JetStreamEventStore } from '@agentos/event-store';
import { JetStreamClientProxy, NatsConnector, bootstrapNats } from '@agentos/messaging';
import { workflowStream } from '@agentos/orchestration';
import { readStoredMessages, startNatsServer, waitFor } from '@agentos/testing';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, spawnApp, spawnScript, type AppProcess } from '../processes';

export const CHAOS_SERVICES = ['orchestrator', 'registry', 'memory', 'policy', 'observability'] as const;

export interface ChaosOptions {
  intents: number;
  /** Intents in flight at once. */
  window: number;
  /** A random service is SIGKILLed and restarted this often. */
  killEveryMs: number;
  /** nats-server is SIGKILLed and restarted once, when this share of the intents has been submitted. */
  natsRestartAt: number;
  /** Give up waiting for the last intents after this long. */
  settleTimeoutMs: number;
  /** Run the `nx build` bundles (quick restarts) rather than the sources through swc's hook. */
  built: boolean;
  progress?: (line: string) => void;
}

export interface ChaosReport {
  intents: { submitted: number; completed: number; failed: number; rejected: number; lost: number };
  /** For lost intents: the last event recorded for them. */
  lostAt: Record<string, number>;
  /** Intents whose agent side effect happened more than once. */
  duplicateEffects: number;
  /** For the first duplicates: each run of the effect and the run's history, to tell which delivery ran it again. */
  duplicates: DuplicateEvidence[];
  /** When nats-server was killed (ISO time), to set the duplicates against. */
  natsKilledAt?: string;
  kills: Record<string, number>;
  natsRestarts: number;
  deadLetters: Record<string, number>;
  failures: Record<string, number>;
  latencyMs: { p50: number; p99: number; max: number };
  durationSeconds: number;
}

export interface DuplicateEvidence {
  intentId: string;
  effects: { taskId: string; attempt: number; instanceId: string; at: string }[];
  history: string[];
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Intents through the whole system (each app its own process, built bundles, two agent processes)
 * while a random service is SIGKILLed and restarted every `killEveryMs`, and nats-server is killed and
 * restarted once. Then every intent's outcome is read back from the event store.
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
  const env = { NATS_URL: nats.url, LOG_LEVEL: 'info', AGENTOS_OBSERVABILITY_PORT: '0' };
  const services = new Map<string, AppProcess>();
  // Like a container platform: an app that exits before it is up (NATS restarting) is started again.
  const startService = async (name: string) => {
    for (let attempt = 1; ; attempt += 1) {
      const app = spawnApp(name, env, undefined, { built: options.built });
      services.set(name, app);
      try {
        return await app.started;
      } catch (error) {
        if (attempt >= 10) throw error;
        await sleep(1_000);
      }
    }
  };
  say(`nats-server ${nats.url}; starting ${CHAOS_SERVICES.join(', ')} and two agent processes`);
  await Promise.all(CHAOS_SERVICES.map(startService));
  const workers = ['chaos-a', 'chaos-b'].map((id) => spawnScript(id, join(__dirname, 'worker.ts'), { ...env, AGENTOS_INSTANCE_ID: id, CHAOS_EFFECTS_FILE: effectsFile }));
  await Promise.all(workers.map((w) => w.started));

  const connector = new NatsConnector({ servers: nats.url, name: 'chaos' });
  const client = new JetStreamClientProxy(connector);
  const origin = { tenant: 'chaos', actor: { kind: 'user' as const, id: 'chaos' } };
  await waitFor(() => client.query(createMessage('FindAgents', { capability: 'chaos' }, origin)), (r) => r.agents.length === 2, { what: 'both chaos workers', timeoutMs: 30_000 });

  const submittedAt = new Map<string, number>();
  const settled = new Map<string, string>();
  const latencies: number[] = [];
  const nc = await connector.connection$();
  for (const type of ['IntentCompleted', 'IntentFailed', 'IntentRejected'] as const) {
    nc.subscribe(subjectFilter(type), { callback: (_, msg) => {
      const parsed = decodeMessage(msg.data);
      if (!parsed.ok || settled.has((parsed.message.payload as { intentId: string }).intentId)) return;
      const intentId = (parsed.message.payload as { intentId: string }).intentId;
      settled.set(intentId, parsed.message.type);
      const at = submittedAt.get(intentId);
      if (at !== undefined && parsed.message.type === 'IntentCompleted') latencies.push(Date.now() - at);
    } });
  }

  // The chaos: a random service every killEveryMs, nats-server once. The next kill does not wait for the
  // last victim to be back, so at times two or more services are down together.
  const kills: Record<string, number> = {};
  let chaos = true;
  let natsRestarts = 0;
  let natsKilledAt: string | undefined;
  const restarting = new Set<string>();
  const restarts: Promise<unknown>[] = [];
  const killer = (async () => {
    while (chaos) {
      await sleep(options.killEveryMs);
      const up = CHAOS_SERVICES.filter((name) => !restarting.has(name));
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

  const ids: string[] = [];
  let next = 0;
  const restartNatsAt = Math.floor(options.intents * options.natsRestartAt);
  const submitter = async () => {
    while (next < options.intents) {
      const i = next++;
      if (i === restartNatsAt && natsRestarts === 0) {
        natsRestarts += 1;
        say(`killing nats-server (pid ${nats.pid}) and starting it again`);
        natsKilledAt = new Date().toISOString();
        await nats.kill();
        await sleep(500);
        await nats.restart();
      }
      const command = createMessage('SubmitIntent', { intentId: newId(), goal: 'chaos', capability: 'chaos', input: { i } }, origin);
      ids.push(command.payload.intentId);
      submittedAt.set(command.payload.intentId, Date.now());
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
  say(`all ${options.intents} submitted; waiting for them to settle`);
  // The subscription is not durable (it misses what is published while nats-server restarts): the
  // event store is the record, so runs not heard of are looked up there.
  const store = new JetStreamEventStore(connector);
  const ending = async (id: string) => (await store.readStream(workflowStream(id)).catch(() => [])).map((r) => r.event).find((e) => ['IntentCompleted', 'IntentFailed', 'IntentRejected'].includes(e.type));
  const deadline = Date.now() + options.settleTimeoutMs;
  while (settled.size < options.intents && Date.now() < deadline) {
    await sleep(3_000);
    for (const id of ids.filter((i) => !settled.has(i))) {
      const end = await ending(id);
      if (end) settled.set(id, end.type);
    }
  }
  chaos = false;
  await killer;

  const outcomes: Record<string, number> = { IntentCompleted: 0, IntentFailed: 0, IntentRejected: 0 };
  const failures: Record<string, number> = {};
  let lost = 0;
  const lostAt: Record<string, number> = {};
  for (const id of ids) {
    const end = await ending(id);
    if (!end) {
      lost += 1;
      const events = (await store.readStream(workflowStream(id))).map((r) => r.event);
      const last = events.filter((e) => e.type !== 'DecisionInputRecorded').at(-1)?.type ?? 'nothing recorded';
      lostAt[last] = (lostAt[last] ?? 0) + 1;
      continue;
    }
    outcomes[end.type] += 1;
    if (end.type !== 'IntentCompleted') failures[(end as MessageOf<'IntentFailed'>).payload.reason] = (failures[(end as MessageOf<'IntentFailed'>).payload.reason] ?? 0) + 1;
  }
  const effects = new Map<string, DuplicateEvidence['effects']>();
  for (const line of readFileSync(effectsFile, 'utf8').split('\n').filter(Boolean)) {
    const effect = JSON.parse(line) as DuplicateEvidence['effects'][number] & { intentId: string };
    effects.set(effect.intentId, [...(effects.get(effect.intentId) ?? []), effect]);
  }
  const duplicated = [...effects.entries()].filter(([, runs]) => runs.length > 1);
  const duplicates: DuplicateEvidence[] = [];
  for (const [intentId, runs] of duplicated.slice(0, 20)) {
    const history = (await store.readStream(workflowStream(intentId))).map(({ event }) => {
      const p = event.payload as { attempt?: number; instanceId?: string };
      return `${event.occurredAt.slice(11, 23)} ${event.type}${p.attempt ? ` #${p.attempt}` : ''}${p.instanceId ? ` on ${p.instanceId}` : ''}`;
    });
    duplicates.push({ intentId, effects: runs.map(({ taskId, attempt, instanceId, at }) => ({ taskId, attempt, instanceId, at })), history });
  }
  const deadLetters: Record<string, number> = {};
  for (const letter of await readStoredMessages<MessageOf<'MessageDeadLettered'>>(await connector.manager$(), 'AGENTOS_DEAD_LETTERS')) {
    // Grouped by what went wrong, not by which run: ids are replaced by <id>.
    const key = `${letter.payload.reason} (${letter.payload.service}): ${letter.payload.error.replace(/[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}/g, '<id>').slice(0, 160)}`;
    deadLetters[key] = (deadLetters[key] ?? 0) + 1;
  }
  latencies.sort((a, b) => a - b);
  await client.close();
  for (const app of [...services.values(), ...workers]) app.child.kill('SIGTERM');
  await Promise.all([...services.values(), ...workers].map((app) => app.exited));
  await nats.stop();
  return {
    intents: { submitted: ids.length, completed: outcomes.IntentCompleted, failed: outcomes.IntentFailed, rejected: outcomes.IntentRejected, lost },
    lostAt,
    duplicateEffects: duplicated.length,
    duplicates,
    natsKilledAt,
    kills,
    natsRestarts,
    deadLetters,
    failures,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? 0 },
    durationSeconds: Math.round((Date.now() - started) / 1000),
  };
}
