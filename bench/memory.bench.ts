/**
 * `npm run bench:memory`: WriteMemory and GetMemory over NATS to a running memory service (with a
 * policy service answering its checks), one client awaiting each call: ops/s and latency percentiles.
 */
import { createMessage, type Origin } from '@agentos/contracts';
import { JetStreamClientProxy, NatsConnector, bootstrapNats } from '@agentos/messaging';
import { startService } from '@agentos/service-host';
import { startNatsServer } from '@agentos/testing';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { memoryService } from '../apps/memory/src/memory.module';
import { policyService } from '../apps/policy/src/policy.module';
import { percentile, rawRequestReply, sortedCopy } from './raw-ceiling';
import { printSpanBreakdown, spansSince } from './spans';

const OPS = Number(process.env.BENCH_OPS ?? 2_000);
const ms = (v: number) => `${v.toFixed(2)} ms`;

async function measure(label: string, op: (i: number) => Promise<unknown>, rawP50: number) {
  for (let i = 0; i < 100; i += 1) await op(i); // warm-up
  const latencies: number[] = [];
  const since = Date.now();
  const started = performance.now();
  for (let i = 0; i < OPS; i += 1) {
    const t = performance.now();
    await op(i);
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - started) / 1000;
  const sorted = sortedCopy(latencies);
  const p50 = percentile(sorted, 50);
  console.log(`${label.padEnd(44)} ${Math.round(OPS / seconds).toLocaleString('en-US').padStart(6)} ops/s   p50 ${ms(p50)}  p99 ${ms(percentile(sorted, 99))}  (p50 ${(p50 / rawP50).toFixed(1)}× raw)`);
  printSpanBreakdown(`where a ${label.split(' ')[0]} spends its time (spans of the client and both services): per call`, spansSince(since), OPS);
}

async function main() {
  const nats = await startNatsServer();
  await bootstrapNats({ servers: nats.url, name: 'bench-bootstrap' });
  const env = { NATS_URL: nats.url };
  const log = pino({ level: 'silent' });
  const services = [await startService(policyService, { env, log, handleSignals: false }), await startService(memoryService, { env, log, handleSignals: false })];
  const client = new JetStreamClientProxy(new NatsConnector({ servers: nats.url, name: 'bench-memory' }));
  try {
    await client.connect();
    const origin: Origin = { tenant: 'bench', actor: { kind: 'agent', id: 'bench@1.0.0' } };
    const value = { summary: 'x'.repeat(200), words: 40 };
    console.log(`${OPS} sequential calls each; every call is policy-checked (CheckPolicy round trip) and every write recorded in the event store`);
    // The ceiling: a bare core request/reply on the same server, in the same run.
    const raw = await rawRequestReply(await client.unwrap<NatsConnector>().connection$(), OPS);
    console.log(`${'raw core NATS request/reply'.padEnd(44)}                p50 ${ms(raw.p50)}  p99 ${ms(raw.p99)}`);
    await measure('WriteMemory (workflow scope, 256-byte value)', (i) => client.query(createMessage('WriteMemory', { scope: 'workflow', scopeId: 'bench', key: `k${i % 100}`, value }, origin)), raw.p50);
    await measure('GetMemory', (i) => client.query(createMessage('GetMemory', { scope: 'workflow', scopeId: 'bench', key: `k${i % 100}` }, origin)), raw.p50);
  } finally {
    await client.close();
    for (const service of services) await service.close();
    await nats.stop();
  }
}

main().catch((error: Error) => {
  console.error(`benchmark failed: ${error.message}`);
  process.exit(1);
});
