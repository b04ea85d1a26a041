/**
 * `npm run bench:replay`: replay throughput over a 100,000-event history (many workflows, recorded
 * through the real decision runner into the in-memory event store): read, verify the hash chain,
 * re-execute the decider, build the timeline; once with the hash chain alone, once also with every commit's signature.
 */
import { createMessage, newId, type AnyMessage } from '@agentos/contracts';
import { runDecision } from '@agentos/decider';
import { EventSigner, InMemoryEventStore, KeyRing, generateSigningKey, verifyChain, verifyStream, type ChainVerdict, type RecordedEvent } from '@agentos/event-store';
import { orchestrationDecider, workflowStream, type RunInput, type RunState } from '@agentos/orchestration';
import { reExecute, timeline } from '@agentos/replay';
import { performance } from 'node:perf_hooks';

const TARGET_EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
// Recorded as the orchestrator records: each append signed with its key.
const key = generateSigningKey();
const keys = new KeyRing([{ keyId: key.keyId, service: 'orchestrator', publicKey: key.publicKey, validFrom: '2020-01-01T00:00:00.000Z' }]);
const store = new InMemoryEventStore(EventSigner.fromSecret(key.secret));
const orchestrator = { kind: 'service' as const, id: 'orchestrator' };
const agent = { name: 'summariser', version: '1.0.0', owner: 'bench', capabilities: ['summarise'], concurrency: 1, instanceId: 'b1' };

async function recordWorkflow(): Promise<string> {
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
  return stream;
}

async function main() {
  const streams: string[] = [];
  let events = 0;
  const recordStart = performance.now();
  while (events < TARGET_EVENTS) {
    const stream = await recordWorkflow();
    streams.push(stream);
    events += (await store.readStream(stream)).length;
  }
  console.log(`recorded ${events.toLocaleString('en-US')} events in ${streams.length.toLocaleString('en-US')} workflows (${((performance.now() - recordStart) / 1000).toFixed(1)} s)`);

  await replay(streams, 'verify chain', verifyChain);
  await replay(streams, 'verify chain and signatures', (records) => verifyStream(records, keys));
  // As `agentos audit verify` after an anchor: heads verified before need only their chain re-checked.
  const verified = new Map(await Promise.all(streams.map(async (s) => [s, (await store.readStream(s)).at(-1) as RecordedEvent] as const)));
  await replay(streams, 'verify chain, signatures after the heads verified before', (records) => verifyStream(records, keys, verified.get(records[0].stream)));
}

async function replay(streams: string[], what: string, verify: (records: RecordedEvent[]) => ChainVerdict): Promise<void> {
  const started = performance.now();
  let replayed = 0;
  let decisions = 0;
  let commits = 0;
  for (const stream of streams) {
    const records = await store.readStream(stream);
    const verdict = verify(records);
    if (!verdict.ok) throw new Error(`${stream}: ${verdict.reason}`);
    const result = reExecute(records, orchestrationDecider);
    if (result.divergence) throw new Error(`${stream}: diverged at #${result.divergence.revision}`);
    timeline(records);
    replayed += records.length;
    decisions += result.decisions;
    commits += records.filter((r) => r.signature).length;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`replayed ${replayed.toLocaleString('en-US')} events in ${commits.toLocaleString('en-US')} signed commits (read + ${what} + re-execute ${decisions.toLocaleString('en-US')} decisions + timeline): ${Math.round(replayed / seconds).toLocaleString('en-US')} events/s (${seconds.toFixed(2)} s)`);
}

main().catch((error: Error) => {
  console.error(`benchmark failed: ${error.message}`);
  process.exit(1);
});
