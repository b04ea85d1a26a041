/**
 * `npm run bench:replay`: replay throughput over a 100,000-event history (many workflows, recorded
 * through the real decision runner into the in-memory event store): read, verify the hash chain,
 * re-execute the decider, build the timeline.
 */
import { createMessage, newId, type AnyMessage } from '@agentos/contracts';
import { runDecision } from '@agentos/decider';
import { InMemoryEventStore, verifyChain } from '@agentos/event-store';
import { orchestrationDecider, workflowStream, type RunInput, type RunState } from '@agentos/orchestration';
import { reExecute, timeline } from '@agentos/replay';
import { performance } from 'node:perf_hooks';

const TARGET_EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const store = new InMemoryEventStore();
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

  const started = performance.now();
  let replayed = 0;
  let decisions = 0;
  for (const stream of streams) {
    const records = await store.readStream(stream);
    if (!verifyChain(records).ok) throw new Error(`${stream}: chain broken`);
    const result = reExecute(records, orchestrationDecider);
    if (result.divergence) throw new Error(`${stream}: diverged at #${result.divergence.revision}`);
    timeline(records);
    replayed += records.length;
    decisions += result.decisions;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`replayed ${replayed.toLocaleString('en-US')} events (read + verify chain + re-execute ${decisions.toLocaleString('en-US')} decisions + timeline): ${Math.round(replayed / seconds).toLocaleString('en-US')} events/s (${seconds.toFixed(2)} s)`);
}

main().catch((error: Error) => {
  console.error(`benchmark failed: ${error.message}`);
  process.exit(1);
});
