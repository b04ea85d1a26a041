/**
 * `npm run bench:policy`: in-process evaluation rate on a 200-rule bundle, and the latency of a
 * CheckPolicy round trip over NATS to a running policy service (which also records each decision).
 */
import { createMessage, newId, type PayloadOf, type PolicyAction } from '@agentos/contracts';
import { JetStreamClientProxy, NatsConnector, bootstrapNats } from '@agentos/messaging';
import { CompiledPolicy, PolicyBundle, type PolicyRequest } from '@agentos/policy-engine';
import { startService } from '@agentos/service-host';
import { startNatsServer } from '@agentos/testing';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { policyService } from '../apps/policy/src/policy.module';
import { percentile, rawRequestReply, sortedCopy } from './raw-ceiling';
import { printSpanBreakdown, spansSince } from './spans';

const ACTIONS: PolicyAction[] = ['intent.submit', 'tool.call', 'memory.read', 'memory.write', 'agent.spawn', 'llm.call'];
const pick = <T>(items: readonly T[], i: number) => items[i % items.length];

/** 200 rules of every shape the engine knows, so no fast path is flattered. */
function bundleOf200(): PolicyBundle {
  return PolicyBundle.parse({
    version: 'bench-200',
    rules: Array.from({ length: 200 }, (_, i) => ({
      id: `rule-${i}`,
      effect: pick(['allow', 'allow', 'allow', 'deny', 'require_approval'] as const, i),
      actions: [pick(ACTIONS, i), pick(ACTIONS, i + 2)],
      ...(i % 2 === 0 ? { tenants: [`tenant-${i % 17}`, `tenant-${(i + 5) % 17}`] } : {}),
      ...(i % 3 === 0 ? { resources: [`tool-${i % 23}`, `prefix-${i % 7}-*`] } : {}),
      ...(i % 5 === 0 ? { agents: [`agent-${i % 11}`] } : {}),
      ...(i % 7 === 0 ? { classifications: ['internal', 'confidential'] } : {}),
      ...(i % 11 === 0 ? { when: { hoursUtc: [8, 18] as [number, number], maxCostSoFar: 50 } } : {}),
      reason: `reason ${i}`,
    })),
  });
}

function requests(count: number): PolicyRequest[] {
  return Array.from({ length: count }, (_, i) => ({
    tenant: `tenant-${i % 19}`,
    at: new Date(Date.UTC(2026, 10, 27, i % 24)).toISOString(),
    check: {
      requestId: newId(),
      action: pick(ACTIONS, i * 7),
      subject: { agent: `agent-${i % 13}`, owner: 'bench' },
      resource: { kind: 'tool', name: i % 4 === 0 ? `prefix-${i % 7}-x` : `tool-${i % 29}`, classification: pick(['public', 'internal', 'confidential'], i) },
      context: { costSoFar: i % 100 },
    } satisfies PayloadOf<'PolicyCheckRequested'>,
  }));
}


async function main() {
  const policy = new CompiledPolicy(bundleOf200());
  const sample = requests(10_000);
  const effects = { allow: 0, deny: 0, require_approval: 0 };
  for (let i = 0; i < 50_000; i += 1) policy.evaluate(sample[i % sample.length]); // warm-up
  const total = 1_000_000;
  const started = performance.now();
  for (let i = 0; i < total; i += 1) effects[policy.evaluate(sample[i % sample.length]).effect] += 1;
  const seconds = (performance.now() - started) / 1000;
  console.log(`in-process evaluation, 200-rule bundle: ${Math.round(total / seconds).toLocaleString('en-US')} decisions/s (${total.toLocaleString('en-US')} in ${seconds.toFixed(2)} s; ${JSON.stringify(effects)})`);

  const nats = await startNatsServer();
  await bootstrapNats({ servers: nats.url, name: 'bench-bootstrap' });
  const service = await startService(policyService, { env: { NATS_URL: nats.url }, log: pino({ level: 'silent' }), handleSignals: false });
  const client = new JetStreamClientProxy(new NatsConnector({ servers: nats.url, name: 'bench-policy' }));
  try {
    await client.connect();
    const origin = { tenant: 'bench', actor: { kind: 'service' as const, id: 'bench' } };
    const ask = (i: number) => client.query(createMessage('CheckPolicy', sample[i % sample.length].check, origin));
    for (let i = 0; i < 200; i += 1) await ask(i); // warm-up
    const rounds = Number(process.env.BENCH_ROUND_TRIPS ?? 2_000);
    const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
    // The ceiling: a bare core request/reply on the same server, in the same run.
    const raw = await rawRequestReply(await client.unwrap<NatsConnector>().connection$(), rounds);
    console.log(`raw core NATS request/reply (same server, same run), ${rounds} sequential: p50 ${fmt(raw.p50)}, p99 ${fmt(raw.p99)}`);
    const latencies: number[] = [];
    const since = Date.now();
    for (let i = 0; i < rounds; i += 1) {
      const t = performance.now();
      await ask(i);
      latencies.push(performance.now() - t);
    }
    const sorted = sortedCopy(latencies);
    const p50 = percentile(sorted, 50);
    console.log(`CheckPolicy over NATS (request/reply, decision appended to the event store), ${rounds} sequential: p50 ${fmt(p50)}, p95 ${fmt(percentile(sorted, 95))}, p99 ${fmt(percentile(sorted, 99))}  (p50 ${(p50 / raw.p50).toFixed(1)}× the raw request/reply)`);
    printSpanBreakdown('where a CheckPolicy spends its time (spans of the client and the service, this process): per call', spansSince(since), rounds);
  } finally {
    await client.close();
    await service.close();
    await nats.stop();
  }
}

main().catch((error: Error) => {
  console.error(`benchmark failed: ${error.message}`);
  process.exit(1);
});
