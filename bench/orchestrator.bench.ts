/**
 * `npm run bench:orchestrator [-- --json]`: intents through the whole system (policy check, scheduling, an
 * agent, completion; every decision appended to the JetStream event store), beside the raw JetStream ceiling
 * measured on the same nats-server in the same run (bench/raw-ceiling.ts):
 * - throughput: BENCH_WINDOW (64) intents in flight, over 1 tenant and over BENCH_TENANTS (8), against raw
 *   publish → consume → ack with as many messages in flight;
 * - latency one intent at a time (and a 3-step workflow), against a raw 5-hop JetStream chain one at a time.
 * `--json` prints one JSON object with every figure, for scripts. `--orchestrators N` runs the orchestrator as N
 * processes (replicas sharing the partitions) instead of in this process, and reports each one's share of the runs
 * and its CPU.
 */
import { defineAgent, runAgent } from '@agentos/agent-sdk';
import { createMessage, decodeMessage, newId, subjectFilter, type Origin } from '@agentos/contracts';
import { JetStreamClientProxy, NatsConnector, bootstrapNats, finishedSpans } from '@agentos/messaging';
import { startService } from '@agentos/service-host';
import { freePort, startNatsServer } from '@agentos/testing';
import { partitionOf } from '@agentos/orchestration';
import { parseWorkflowDocument } from '@agentos/workflow';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { memoryService } from '../apps/memory/src/memory.module';
import { observabilityService } from '../apps/observability/src/observability.module';
import { orchestratorService } from '../apps/orchestrator/src/orchestrator.module';
import { policyService } from '../apps/policy/src/policy.module';
import { registryService } from '../apps/registry/src/registry.module';
import { spawnApp, type AppProcess } from '../scripts/processes';
import { cpuMeter, cpuMsOf } from './cpu-meter';
import { latencyOf, rawChain, rawThroughput, type Latency } from './raw-ceiling';
import { spanBreakdown } from './spans';
import { countSocketWrites, jetStreamMeter, trafficMeter } from './traffic-meter';

const INTENTS = Number(process.env.BENCH_INTENTS ?? 1_000);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 64);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 8);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 200);
const RAW = Number(process.env.BENCH_RAW ?? 10_000);
const JSON_OUTPUT = process.argv.includes('--json');
const flag = process.argv.indexOf('--orchestrators');
/** Orchestrator processes; 0: the orchestrator runs in this process with the other services. */
const ORCHESTRATORS = flag > 0 ? Number(process.argv[flag + 1]) : 0;
const PARTITIONS = 16;

const THREE_STEPS = parseWorkflowDocument(
  ['name: three-echoes', 'steps:', '  - { id: a, capability: echo, input: { n: 1 } }', '  - { id: b, capability: echo, needs: [a], input: { n: 2 } }', '  - { id: c, capability: echo, needs: [b], input: { n: 3 } }'].join('\n'),
  'three-echoes.yaml',
);

/** Waits for each run's settling fact, heard on the bus. */
class Settlements {
  private readonly waiting = new Map<string, () => void>();

  constructor(nc: Awaited<ReturnType<NatsConnector['connection$']>>) {
    for (const type of ['IntentCompleted', 'IntentFailed', 'IntentRejected', 'WorkflowCompleted', 'WorkflowFailed', 'WorkflowRejected'] as const) {
      nc.subscribe(subjectFilter(type), {
        callback: (_, msg) => {
          const parsed = decodeMessage(msg.data);
          if (!parsed.ok) return;
          const payload = parsed.message.payload as { intentId?: string; workflowId?: string };
          const runId = payload.intentId ?? payload.workflowId;
          if (parsed.message.type.endsWith('Completed')) this.waiting.get(runId ?? '')?.();
          else console.error(`run ${runId} did not complete: ${parsed.message.type} ${JSON.stringify(parsed.message.payload)}`);
        },
      });
    }
  }

  /** Sends the run's command and resolves when it has completed. */
  async run(runId: string, send: () => Promise<unknown>): Promise<number> {
    const started = performance.now();
    const completed = new Promise<void>((resolve) => this.waiting.set(runId, resolve));
    await send();
    await completed;
    this.waiting.delete(runId);
    return performance.now() - started;
  }
}

async function main() {
  countSocketWrites();
  const monitorPort = await freePort();
  const nats = await startNatsServer({ args: ['-m', String(monitorPort)] });
  await bootstrapNats({ servers: nats.url, name: 'bench-bootstrap' });
  const env = { NATS_URL: nats.url, AGENTOS_OBSERVABILITY_PORT: '0', LOG_LEVEL: 'silent' };
  const log = pino({ level: 'silent' });
  const services = [];
  const inProcess = ORCHESTRATORS === 0 ? [orchestratorService] : [];
  for (const service of [policyService, registryService, memoryService, observabilityService, ...inProcess]) services.push(await startService(service, { env, log, handleSignals: false }));
  const replicas: { instance: string; app: AppProcess }[] = [];
  for (let i = 1; i <= ORCHESTRATORS; i += 1) {
    const instance = `bench-orchestrator-${i}`;
    replicas.push({ instance, app: spawnApp('orchestrator', { ...env, LOG_LEVEL: 'info', AGENTOS_INSTANCE_ID: instance }) });
  }
  await Promise.all(replicas.map((r) => r.app.started));
  const echo = defineAgent({ name: 'echo', version: '1.0.0', owner: 'bench', capabilities: ['echo'], concurrency: WINDOW, handle: async (input: Record<string, unknown>) => input });
  const agent = await runAgent(echo, { nats: { servers: nats.url, name: 'bench-echo' }, instanceId: 'bench-echo-1' });
  const connector = new NatsConnector({ servers: nats.url, name: 'bench-orchestrator' });
  const client = new JetStreamClientProxy(connector);
  try {
    await client.connect();
    const js = await connector.jetstream();
    const jsm = await connector.manager$();
    const rawCpu = cpuMeter(nats.pid);
    const rawTraffic = await trafficMeter(monitorPort);
    const raw = { ...(await rawThroughput(js, jsm, RAW, WINDOW)), cpuPerMsg: rawCpu(RAW), trafficPerMsg: await rawTraffic(RAW) };
    const chain = await rawChain(js, jsm, 300);

    const holders = async () => {
      const kv = await connector.kv('agentos_leases');
      return Promise.all(
        Array.from({ length: PARTITIONS }, async (_, p) => {
          const entry = await kv.get(`orchestrator.p${p}`);
          return entry?.operation === 'PUT' ? entry.json<{ holder: string }>().holder : ''; // a lease handed on is deleted
        }),
      );
    };
    // Measured once the replicas have shared the partitions out.
    const shared = async () => {
      const held = await holders();
      return replicas.every((r) => held.filter((h) => h === r.instance).length >= Math.floor(PARTITIONS / ORCHESTRATORS));
    };
    while (ORCHESTRATORS > 1 && !(await shared())) await new Promise((r) => setTimeout(r, 250));

    const originOf = (tenant: number): Origin => ({ tenant: `bench-${tenant}`, actor: { kind: 'user', id: 'bench' } });
    while ((await client.query(createMessage('FindAgents', { capability: 'echo' }, originOf(0)))).agents.length === 0) await new Promise((r) => setTimeout(r, 100));
    const settlements = new Settlements(await connector.connection$());
    const runIds: string[] = [];
    const intent = (i: number, tenants: number) => {
      const intentId = newId();
      runIds.push(intentId);
      return settlements.run(intentId, () => client.publishMessage(createMessage('SubmitIntent', { intentId, goal: 'echo', capability: 'echo', input: { i } }, originOf(i % tenants))));
    };
    const workflow = (i: number) => {
      const workflowId = newId();
      return settlements.run(workflowId, () => client.publishMessage(createMessage('RunWorkflow', { workflowId, definition: THREE_STEPS, input: { i } }, originOf(0))));
    };
    const windowed = async (tenants: number) => {
      const latencies: number[] = [];
      let next = 0;
      const started = performance.now();
      const cpu = cpuMeter(nats.pid);
      const traffic = await trafficMeter(monitorPort);
      const replicaCpu0 = replicas.map((r) => cpuMsOf(r.app.child.pid!));
      await Promise.all(Array.from({ length: WINDOW }, async () => {
        while (next < INTENTS) latencies.push(await intent(next++, tenants));
      }));
      const replicaCpuMs = replicas.map((r, i) => (cpuMsOf(r.app.child.pid!) - replicaCpu0[i]) / INTENTS);
      const elapsed = performance.now() - started;
      return { intentsPerSec: INTENTS / (elapsed / 1000), ...latencyOf(latencies), cpuPerIntent: cpu(INTENTS), trafficPerIntent: await traffic(INTENTS), replicaCpuMs };
    };
    const oneAtATime = async (run: (i: number) => Promise<number>, count: number): Promise<Latency> => {
      const latencies: number[] = [];
      for (let i = 0; i < count; i += 1) latencies.push(await run(i));
      return latencyOf(latencies);
    };

    for (let i = 0; i < 50; i += 1) await intent(i, TENANTS); // warm-up, not measured
    const apiCalls = async () => (await jsm.getAccountInfo()).api.total;
    const apiBefore = await apiCalls();
    const spansBefore = finishedSpans().length;
    const sequentialTraffic = await trafficMeter(monitorPort);
    const sequentialJetStream = await jetStreamMeter(monitorPort);
    const sequentialCpu = cpuMeter(nats.pid);
    const sequential = { ...(await oneAtATime((i) => intent(i, 1), SEQUENTIAL)), cpuPerIntent: sequentialCpu(SEQUENTIAL), trafficPerIntent: await sequentialTraffic(SEQUENTIAL) };
    const apiPerIntent = ((await apiCalls()) - apiBefore) / SEQUENTIAL;
    const jetStreamPerIntent = await sequentialJetStream(SEQUENTIAL);
    const hops = spanBreakdown(finishedSpans().slice(spansBefore), SEQUENTIAL).map(({ span, perOperation, msPerOperation }) => ({ span, perIntent: perOperation, msPerIntent: msPerOperation }));
    const workflows = await oneAtATime(workflow, Math.max(20, SEQUENTIAL / 4));
    const oneTenant = await windowed(1);
    const firstOfManyTenants = runIds.length;
    const manyTenants = await windowed(TENANTS);
    const owners = await holders();
    const decidedRuns = runIds.slice(firstOfManyTenants).map((runId) => owners[partitionOf(runId, PARTITIONS)]);
    const orchestrators = replicas.map((r, i) => ({
      instance: r.instance,
      partitions: owners.filter((holder) => holder === r.instance).length,
      runsShare: decidedRuns.filter((holder) => holder === r.instance).length / decidedRuns.length,
      cpuMsPerIntent: manyTenants.replicaCpuMs[i],
    }));

    // What a message in or out of nats-server costs (CPU of both processes), raw and in AgentOS at 64 in flight.
    const perMessage = (cpu: { processMs: number; natsServerMs: number }, traffic: { inMsgs: number; outMsgs: number }) => (cpu.processMs + cpu.natsServerMs) / (traffic.inMsgs + traffic.outMsgs);
    const cpuPerServerMessage = { raw: perMessage(raw.cpuPerMsg, raw.trafficPerMsg), agentos: perMessage(manyTenants.cpuPerIntent, manyTenants.trafficPerIntent) };
    const figures = {
      rawMsgsPerSec: raw.msgsPerSec,
      raw: { p50: raw.p50, p99: raw.p99, cpuPerMsg: raw.cpuPerMsg, trafficPerMsg: raw.trafficPerMsg },
      cpuPerServerMessage,
      rawChain: chain,
      intentsPerSec: manyTenants.intentsPerSec,
      tenants: { count: TENANTS, ...manyTenants, oneTenant },
      sequential,
      workflow3Steps: workflows,
      apiRequestsPerIntent: apiPerIntent,
      orchestrators,
      hops,
      jetStreamPerIntent,
      ratios: {
        throughputOfRaw: manyTenants.intentsPerSec / raw.msgsPerSec,
        oneTenantThroughputOfRaw: oneTenant.intentsPerSec / raw.msgsPerSec,
        sequentialP50OverChain: sequential.p50 / chain.p50,
        sequentialP99OverChain: sequential.p99 / chain.p99,
        workflowP50OverChain: workflows.p50 / chain.p50,
        cpuPerServerMessageOverRaw: cpuPerServerMessage.agentos / cpuPerServerMessage.raw,
      },
      settings: { intents: INTENTS, window: WINDOW, sequential: SEQUENTIAL, raw: RAW },
    };
    if (JSON_OUTPUT) return void console.log(JSON.stringify(figures));
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    const rate = (v: number) => Math.round(v).toLocaleString('en-US').padStart(7);
    const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
    console.log(`raw JetStream publish → consume → ack      ${rate(raw.msgsPerSec)} msgs/s      p50 ${ms(raw.p50)}  p99 ${ms(raw.p99)}  (${WINDOW} in flight)`);
    console.log(`raw CPU per message                          ${(raw.cpuPerMsg.processMs + raw.cpuPerMsg.natsServerMs).toFixed(3)} ms  (client ${raw.cpuPerMsg.processMs.toFixed(3)} ms, nats-server ${raw.cpuPerMsg.natsServerMs.toFixed(3)} ms; ${raw.trafficPerMsg.inMsgs.toFixed(1)} in, ${raw.trafficPerMsg.outMsgs.toFixed(1)} out of nats-server)`);
    console.log(`raw 5-hop JetStream chain, one at a time                         p50 ${ms(chain.p50)}  p99 ${ms(chain.p99)}`);
    console.log(`intents, ${WINDOW} in flight, ${TENANTS} tenants             ${rate(manyTenants.intentsPerSec)} intents/s   p50 ${ms(manyTenants.p50)}  p99 ${ms(manyTenants.p99)}  (${pct(figures.ratios.throughputOfRaw)} of raw)`);
    console.log(`intents, ${WINDOW} in flight, 1 tenant               ${rate(oneTenant.intentsPerSec)} intents/s   p50 ${ms(oneTenant.p50)}  p99 ${ms(oneTenant.p99)}  (${pct(figures.ratios.oneTenantThroughputOfRaw)} of raw)`);
    console.log(`one intent at a time                                            p50 ${ms(sequential.p50)}  p99 ${ms(sequential.p99)}  (${figures.ratios.sequentialP50OverChain.toFixed(1)}× / ${figures.ratios.sequentialP99OverChain.toFixed(1)}× the chain)`);
    console.log(`a 3-step workflow at a time                                     p50 ${ms(workflows.p50)}  p99 ${ms(workflows.p99)}  (${figures.ratios.workflowP50OverChain.toFixed(1)}× the chain)`);
    console.log(`JetStream API requests per intent         ${apiPerIntent.toFixed(1).padStart(7)}`);
    const { processMs, natsServerMs } = manyTenants.cpuPerIntent;
    const replicasMs = manyTenants.replicaCpuMs.reduce((sum, cpu) => sum + cpu, 0);
    const split = replicas.length > 0 ? `services and agent ${ms(processMs)}, orchestrators ${ms(replicasMs)}` : `services and agent ${ms(processMs)}`;
    console.log(`CPU per intent at 64 in flight, ${TENANTS} tenants   ${ms(processMs + replicasMs + natsServerMs).padStart(8)}  (${split}, nats-server ${ms(natsServerMs)})`);
    const traffic = (t: typeof sequential.trafficPerIntent) => `${t.inMsgs.toFixed(1)} in, ${t.outMsgs.toFixed(1)} out of nats-server; ${t.socketWrites.toFixed(1)} socket writes by this process`;
    console.log(`messages per intent at 64 in flight             ${traffic(manyTenants.trafficPerIntent)}`);
    console.log(`CPU per message in or out of nats-server      ${cpuPerServerMessage.agentos.toFixed(3)} ms, raw ${cpuPerServerMessage.raw.toFixed(3)} ms  (${figures.ratios.cpuPerServerMessageOverRaw.toFixed(1)}× raw)`);
    console.log(`CPU per intent one at a time             ${ms(sequential.cpuPerIntent.processMs + sequential.cpuPerIntent.natsServerMs).padStart(8)}  (services and agent ${ms(sequential.cpuPerIntent.processMs)}, nats-server ${ms(sequential.cpuPerIntent.natsServerMs)})`);
    console.log(`messages per intent one at a time               ${traffic(sequential.trafficPerIntent)}`);
    for (const o of orchestrators) console.log(`  orchestrator ${o.instance}: ${o.partitions} partitions, ${pct(o.runsShare)} of the runs, CPU ${ms(o.cpuMsPerIntent)} per intent (of all intents)`);
    console.log('\nwhere one intent at a time spends its time (spans of every service, this process): per intent');
    console.log(`  ${'span'.padEnd(44)} ${'count'.padStart(6)} ${'ms'.padStart(8)}`);
    for (const hop of hops) console.log(`  ${hop.span.padEnd(44)} ${hop.perIntent.toFixed(1).padStart(6)} ${hop.msPerIntent.toFixed(2).padStart(8)}`);
    console.log('\nwhat JetStream stored and delivered per intent, one at a time');
    for (const { what, perUnit } of jetStreamPerIntent) console.log(`  ${what.padEnd(60)} ${perUnit.toFixed(2).padStart(6)}`);
  } finally {
    await client.close();
    await agent.stop();
    for (const service of services) await service.close();
    for (const r of replicas) r.app.child.kill('SIGTERM');
    await Promise.all(replicas.map((r) => r.app.exited));
    await nats.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);

