/**
 * `npm run bench:replay`: replay throughput over a 100,000-event history (many workflows, recorded through the
 * real decision runner): read, verify the hash chain, re-execute the decider, build the timeline. Measured on
 * the in-memory event store (the replay code alone) and on the JetStream store (the embedded default), where the
 * history is read as a fresh process reads it: one workflow at a time (as `agentos replay` does), and all of it
 * in one pass over the log. Each workflow is verified twice over: its hash chain alone, and also every commit's
 * signature (recorded as the orchestrator records, each append signed with its key).
 */
import { createMessage, newId, type AnyMessage } from '@agentos/contracts';
import { runDecision } from '@agentos/decider';
import { EventSigner, InMemoryEventStore, JetStreamEventStore, KeyRing, generateSigningKey, verifyChain, verifyStream, type ChainVerdict, type EventStore, type RecordedEvent } from '@agentos/event-store';
import { NatsConnector, bootstrapNats } from '@agentos/messaging';
import { orchestrationDecider, workflowStream, type RunInput, type RunState } from '@agentos/orchestration';
import { reExecute, timeline } from '@agentos/replay';
import { startNatsServer } from '@agentos/testing';
import { performance } from 'node:perf_hooks';

const TARGET_EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
/** Workflows recorded at once (each its own stream, so their appends do not wait on each other). */
const RECORDING_WINDOW = 64;
/** Workflows replayed one at a time from the JetStream store: a first read costs an ephemeral consumer each. */
const ONE_BY_ONE = Number(process.env.BENCH_ONE_BY_ONE ?? 500);
const orchestrator = { kind: 'service' as const, id: 'orchestrator' };
const key = generateSigningKey();
const signer = EventSigner.fromSecret(key.secret);
const keys = new KeyRing([{ keyId: key.keyId, service: 'orchestrator', publicKey: key.publicKey, validFrom: '2020-01-01T00:00:00.000Z' }]);
type Verify = (records: RecordedEvent[]) => ChainVerdict;
const VERIFICATIONS: [string, Verify][] = [
  ['chain', verifyChain],
  ['chain + signatures', (records) => verifyStream(records, keys)],
];
const agent = { name: 'summariser', version: '1.0.0', owner: 'bench', capabilities: ['summarise'], concurrency: 1, instanceId: 'b1' };

async function recordWorkflow(store: EventStore): Promise<number> {
  const intentId = newId();
  const stream = workflowStream(intentId);
  const step = (cause: AnyMessage, input: RunInput | ((state: RunState) => Promise<RunInput>)) =>
    runDecision({ store, publish: async () => undefined, stream, decider: orchestrationDecider, cause, input, actor: orchestrator });
  const submit = createMessage('SubmitIntent', { intentId, goal: 'summarise', capability: 'summarise', input: { text: 'x' } }, { tenant: 'bench', actor: { kind: 'user', id: 'u' } });
  const [, check] = await step(submit, { kind: 'submit', message: submit });
  const decided = createMessage('PolicyDecided', { requestId: (check.payload as { requestId: string }).requestId, intentId, action: 'intent.submit', resource: { kind: 'capability', name: 'summarise' }, effect: 'allow', rule: 'r', reason: 'ok', bundleVersion: 'b' }, { tenant: 'bench', actor: { kind: 'service', id: 'policy' } });
  const [queued] = await step(decided, { kind: 'policy-decided', message: decided, catalogue: [agent], killSwitches: [] });
  const { taskId } = queued.payload as { taskId: string };
  const assign = createMessage('AssignTask', { taskId, intentId, stepId: 'main', instanceId: 'b1' }, { tenant: 'bench', actor: orchestrator });
  await step(assign, { kind: 'assign', message: assign, instance: agent, killSwitches: [] });
  const done = createMessage('TaskCompleted', { taskId, intentId, agent: 'summariser', agentVersion: '1.0.0', instanceId: 'b1', output: { summary: 'x' } }, { tenant: 'bench', actor: { kind: 'agent', id: 'summariser@1.0.0' } });
  await step(done, { kind: 'task-completed', message: done });
  return (await store.readStream(stream)).length;
}

/** Records workflows until the history holds TARGET_EVENTS events, RECORDING_WINDOW at a time. */
async function record(store: EventStore, label: string): Promise<void> {
  const started = performance.now();
  let events = 0;
  let workflows = 0;
  while (events < TARGET_EVENTS) {
    const recorded = await Promise.all(Array.from({ length: RECORDING_WINDOW }, () => recordWorkflow(store)));
    events += recorded.reduce((a, b) => a + b, 0);
    workflows += recorded.length;
  }
  console.log(`${label}: recorded ${events.toLocaleString('en-US')} events in ${workflows.toLocaleString('en-US')} workflows (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

/** A stream's records in revision order, grouped from one read of the whole log. */
function byStream(records: readonly RecordedEvent[]): RecordedEvent[][] {
  const streams = new Map<string, RecordedEvent[]>();
  for (const record of records) {
    const stream = streams.get(record.stream);
    if (stream) stream.push(record);
    else streams.set(record.stream, [record]);
  }
  return [...streams.values()].map((stream) => stream.sort((a, b) => a.revision - b.revision));
}

interface Replayed {
  events: number;
  decisions: number;
}

function replayStream(records: RecordedEvent[], reExecuting: boolean, verify: Verify): Replayed {
  const verdict = verify(records);
  if (!verdict.ok) throw new Error(`${records[0].stream}: chain broken at #${verdict.revision}: ${verdict.reason}`);
  const result = reExecuting ? reExecute(records, orchestrationDecider) : undefined;
  if (result?.divergence) throw new Error(`${records[0].stream}: diverged at #${result.divergence.revision}`);
  timeline(records);
  return { events: records.length, decisions: result?.decisions ?? 0 };
}

async function measure(label: string, verified: string, replay: () => Promise<Replayed>): Promise<void> {
  const started = performance.now();
  const { events, decisions } = await replay();
  const seconds = (performance.now() - started) / 1000;
  const what = decisions > 0 ? `read + verify ${verified} + re-execute ${decisions.toLocaleString('en-US')} decisions + timeline` : `read + verify ${verified} + timeline`;
  console.log(`  ${label.padEnd(34)} ${Math.round(events / seconds).toLocaleString('en-US').padStart(8)} events/s  (${events.toLocaleString('en-US')} events, ${what}, ${seconds.toFixed(2)} s)`);
}

const total = (results: Replayed[]): Replayed => ({ events: results.reduce((n, r) => n + r.events, 0), decisions: results.reduce((n, r) => n + r.decisions, 0) });

/** Every workflow of the history, from one read of the log. */
async function replayAll(store: EventStore, reExecuting: boolean, verify: Verify): Promise<Replayed> {
  return total(byStream(await store.readAll()).map((records) => replayStream(records, reExecuting, verify)));
}

async function main() {
  const memory = new InMemoryEventStore(signer);
  await record(memory, 'in-memory store');
  for (const [verified, verify] of VERIFICATIONS) {
    for (const reExecuting of [true, false]) await measure('in-memory, every workflow', verified, () => replayAll(memory, reExecuting, verify));
  }

  const nats = await startNatsServer();
  await bootstrapNats({ servers: nats.url, name: 'bench-bootstrap' });
  const writer = new NatsConnector({ servers: nats.url, name: 'bench-replay-writer' });
  const reader = new NatsConnector({ servers: nats.url, name: 'bench-replay-reader' });
  try {
    await record(new JetStreamEventStore(writer, { soleWriter: true, signer }), 'JetStream store');
    // A fresh store on its own connection: it has read nothing yet, as a replaying process.
    for (const [verified, verify] of VERIFICATIONS) {
      for (const reExecuting of [true, false]) await measure('JetStream, every workflow, one pass', verified, () => replayAll(new JetStreamEventStore(reader), reExecuting, verify));
    }
    const someRuns = byStream(await memory.readAll()).length;
    const ids = byStream(await new JetStreamEventStore(reader).readAll()).slice(0, Math.min(ONE_BY_ONE, someRuns)).map((records) => records[0].stream);
    await measure(`JetStream, ${ids.length} workflows one by one`, 'chain', async () => {
      const fresh = new JetStreamEventStore(reader);
      const results: Replayed[] = [];
      for (const stream of ids) results.push(replayStream(await fresh.readStream(stream), true, verifyChain));
      return total(results);
    });
  } finally {
    await writer.close();
    await reader.close();
    await nats.stop();
  }
}

main().catch((error: Error) => {
  console.error(`benchmark failed: ${error.message}`);
  process.exit(1);
});
