/**
 * `npm run bench:orchestrator`: intents through the whole system (policy check, scheduling, an
 * agent, completion; every decision appended to the JetStream event store), reported as intents/s
 * end to end and p50/p99 from submission to the first task assignment, beside raw JetStream
 * publish → consume → ack measured on the same nats-server in the same run.
 */
import { defineAgent, runAgent } from '@agentos/agent-sdk';
import { subjectFilter, createMessage, decodeMessage, newId } from '@agentos/contracts';
import { JetStreamClientProxy, NatsConnector, bootstrapNats } from '@agentos/messaging';
import { startService } from '@agentos/service-host';
import { startNatsServer } from '@agentos/testing';
import { AckPolicy, type JetStreamClient, type JetStreamManager } from 'nats';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { memoryService } from '../apps/memory/src/memory.module';
import { observabilityService } from '../apps/observability/src/observability.module';
import { orchestratorService } from '../apps/orchestrator/src/orchestrator.module';
import { policyService } from '../apps/policy/src/policy.module';
import { registryService } from '../apps/registry/src/registry.module';

const INTENTS = Number(process.env.BENCH_INTENTS ?? 1_000);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 64); // intents in flight at once
const RAW = Number(process.env.BENCH_RAW ?? 10_000);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const ms = (v: number) => `${v.toFixed(1)} ms`;

/** Publish, then pull and ack, one message at a time in flight per window slot: the transport's own ceiling. */
async function rawJetStream(js: JetStreamClient, jsm: JetStreamManager): Promise<void> {
  await jsm.streams.add({ name: 'BENCH_RAW', subjects: ['bench.raw'] });
  await jsm.consumers.add('BENCH_RAW', { durable_name: 'bench', ack_policy: AckPolicy.Explicit });
  const consumer = await js.consumers.get('BENCH_RAW', 'bench');
  const latencies: number[] = [];
  const started = performance.now();
  let inFlight = 0;
  const consuming = (async () => {
    let seen = 0;
    while (seen < RAW) {
      for await (const message of await consumer.fetch({ max_messages: 256, expires: 1_000 })) {
        await message.ackAck();
        latencies.push(performance.now() - Number(message.string()));
        seen += 1;
        inFlight -= 1;
      }
    }
  })();
  // The same shape of load as the intents below: at most WINDOW messages between publish and ack.
  for (let i = 0; i < RAW; i += 1) {
    while (inFlight >= WINDOW) await new Promise((resolve) => setImmediate(resolve));
    inFlight += 1;
    void js.publish('bench.raw', Buffer.from(String(performance.now())));
  }
  await consuming;
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(`raw JetStream publish → consume → ack   ${Math.round(RAW / seconds).toLocaleString('en-US').padStart(7)} msgs/s     p50 ${ms(percentile(latencies, 50))}  p99 ${ms(percentile(latencies, 99))}  (${RAW} messages, at most ${WINDOW} between publish and ack)`);
}

async function main() {
  const nats = await startNatsServer();
  await bootstrapNats({ servers: nats.url, name: 'bench-bootstrap' });
  const env = { NATS_URL: nats.url, AGENTOS_OBSERVABILITY_PORT: '0' };
  const log = pino({ level: 'silent' });
  const services = [];
  for (const service of [policyService, registryService, memoryService, observabilityService, orchestratorService]) services.push(await startService(service, { env, log, handleSignals: false }));
  const echo = defineAgent({ name: 'echo', version: '1.0.0', owner: 'bench', capabilities: ['echo'], concurrency: WINDOW, handle: async (input: Record<string, unknown>) => input });
  const agent = await runAgent(echo, { nats: { servers: nats.url, name: 'bench-echo' }, instanceId: 'bench-echo-1' });
  const connector = new NatsConnector({ servers: nats.url, name: 'bench-orchestrator' });
  const client = new JetStreamClientProxy(connector);
  try {
    await client.connect();
    await rawJetStream(await connector.jetstream(), await connector.manager$());

    const origin = { tenant: 'bench', actor: { kind: 'user' as const, id: 'bench' } };
    while ((await client.query(createMessage('FindAgents', { capability: 'echo' }, origin))).agents.length === 0) await new Promise((r) => setTimeout(r, 100));
    const submittedAt = new Map<string, number>();
    const toAssignment: number[] = [];
    const endToEnd: number[] = [];
    const done = new Map<string, () => void>();
    const nc = await connector.connection$();
    nc.subscribe(subjectFilter('TaskAssigned', { agent: 'echo' }), { callback: (_, msg) => {
      const parsed = decodeMessage(msg.data);
      if (parsed.ok && parsed.message.type === 'TaskAssigned') {
        const at = submittedAt.get(parsed.message.payload.intentId);
        if (at !== undefined && parsed.message.payload.attempt === 1) toAssignment.push(performance.now() - at);
      }
    } });
    for (const subject of [subjectFilter('IntentCompleted'), subjectFilter('IntentFailed'), subjectFilter('IntentRejected')]) {
      nc.subscribe(subject, { callback: (_, msg) => {
        const parsed = decodeMessage(msg.data);
        if (!parsed.ok) return;
        const intentId = (parsed.message.payload as { intentId: string }).intentId;
        const at = submittedAt.get(intentId);
        if (at !== undefined && parsed.message.type === 'IntentCompleted') endToEnd.push(performance.now() - at);
        done.get(intentId)?.();
      } });
    }
    const submit = async (i: number) => {
      const intentId = newId();
      const finished = new Promise<void>((resolve) => done.set(intentId, resolve));
      submittedAt.set(intentId, performance.now());
      await client.publishMessage(createMessage('SubmitIntent', { intentId, goal: 'echo', capability: 'echo', input: { i } }, origin));
      await finished;
    };
    for (let i = 0; i < 50; i += 1) await submit(i); // warm-up, not measured
    submittedAt.clear();
    toAssignment.length = 0;
    endToEnd.length = 0;
    // JetStream API requests (consumer creations, message gets, stream infos) per intent: the server's share.
    const apiCalls = async () => (await (await connector.manager$()).getAccountInfo()).api.total;
    const apiBefore = await apiCalls();
    const started = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: WINDOW }, async () => {
      while (next < INTENTS) await submit(next++);
    }));
    const seconds = (performance.now() - started) / 1000;
    const apiPerIntent = ((await apiCalls()) - apiBefore) / INTENTS;
    toAssignment.sort((a, b) => a - b);
    endToEnd.sort((a, b) => a - b);
    console.log(`intents end to end (completed ${endToEnd.length}/${INTENTS})   ${Math.round(INTENTS / seconds).toLocaleString('en-US').padStart(7)} intents/s  p50 ${ms(percentile(endToEnd, 50))}  p99 ${ms(percentile(endToEnd, 99))}  (${WINDOW} intents in flight)`);
    console.log(`intent → first task assignment          ${''.padStart(7)}              p50 ${ms(percentile(toAssignment, 50))}  p99 ${ms(percentile(toAssignment, 99))}`);
    console.log(`JetStream API requests per intent        ${apiPerIntent.toFixed(1).padStart(7)}               (every service's: consumer creations, message gets, stream infos)`);
  } finally {
    await client.close();
    await agent.stop();
    for (const service of services) await service.close();
    await nats.stop();
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
