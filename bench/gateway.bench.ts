/**
 * `npm run bench:gateway [-- --json]`: submitting intents through the HTTP gateway (POST /v1/intents: token check,
 * body validation, SubmitIntent built and published to JetStream, 202 once JetStream acknowledged it) beside the same
 * SubmitIntent published directly on NATS by a client (publish, JetStream acknowledgement), on the same nats-server
 * in the same run, with BENCH_WINDOW (64) requests in flight and one at a time. Only the submission is measured: the
 * gateway is on that path alone (what follows is the orchestrator's, `npm run bench:orchestrator`). The raw JetStream
 * ceiling (bench/raw-ceiling.ts) is measured first, on the same server.
 */
import { createMessage, newId, type Origin } from '@agentos/contracts';
import { JetStreamClientProxy, NatsConnector, bootstrapNats } from '@agentos/messaging';
import { startNatsServer } from '@agentos/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { newAccessTokenEntry } from '@agentos/identity';
import { startGateway } from '../apps/gateway/src/start-gateway';
import { latencyOf, rawThroughput, type Latency } from './raw-ceiling';

const COUNT = Number(process.env.BENCH_INTENTS ?? 2_000);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 64);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 300);
const RAW = Number(process.env.BENCH_RAW ?? 10_000);
const JSON_OUTPUT = process.argv.includes('--json');

interface Figures extends Latency {
  perSec: number;
}

/** Runs `count` submissions, `window` at a time; each one's latency from its start to its acknowledgement. */
async function measure(count: number, window: number, submit: () => Promise<void>): Promise<Figures> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < count) {
      next += 1;
      const t0 = performance.now();
      await submit();
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
  return { perSec: count / ((performance.now() - started) / 1000), ...latencyOf(latencies) };
}

async function main() {
  const nats = await startNatsServer();
  await bootstrapNats({ servers: nats.url, name: 'bench-bootstrap' });
  const dir = mkdtempSync(join(tmpdir(), 'agentos-bench-gateway-'));
  const { token, entry } = newAccessTokenEntry({ name: 'bench', tenant: 'acme', role: 'submitter' });
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify({ tokens: [entry] }));
  const gateway = await startGateway({ env: { NATS_URL: nats.url, AGENTOS_GATEWAY_PORT: '0', AGENTOS_GATEWAY_TOKENS_FILE: join(dir, 'tokens.json') }, log: pino({ level: 'silent' }), handleSignals: false });
  const client = new JetStreamClientProxy(new NatsConnector({ servers: nats.url, name: 'bench-direct' }));
  await client.connect();
  const origin: Origin = { tenant: 'acme', actor: { kind: 'user', id: 'bench' } };
  const body = (n: number) => ({ goal: `benchmark ${n}`, capability: 'summarise', input: { text: 'A short text to summarise.' } });
  let n = 0;
  const direct = async () => {
    await client.publishMessage(createMessage('SubmitIntent', { ...body((n += 1)), intentId: newId() }, origin));
  };
  const viaGateway = async () => {
    const response = await fetch(`${gateway.url}/v1/intents`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body((n += 1))) });
    if (response.status !== 202) throw new Error(`gateway answered ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };
  try {
    // Warm both paths (connections, JIT) before measuring.
    await measure(200, 16, direct);
    await measure(200, 16, viaGateway);
    const connector = client.unwrap<NatsConnector>();
    const raw = await rawThroughput(await connector.jetstream(), await connector.manager$(), RAW, WINDOW);
    const figures = {
      directWindow: await measure(COUNT, WINDOW, direct),
      gatewayWindow: await measure(COUNT, WINDOW, viaGateway),
      directOne: await measure(SEQUENTIAL, 1, direct),
      gatewayOne: await measure(SEQUENTIAL, 1, viaGateway),
    };
    if (JSON_OUTPUT) {
      console.log(JSON.stringify({ count: COUNT, window: WINDOW, sequential: SEQUENTIAL, raw, ...figures }));
      return;
    }
    const row = (label: string, f: Figures, base?: Figures) =>
      `${label.padEnd(44)} ${f.perSec.toFixed(0).padStart(6)} intents/s   p50 ${f.p50.toFixed(1)} ms  p99 ${f.p99.toFixed(1)} ms${base ? `  (${((100 * f.perSec) / base.perSec).toFixed(0)} % of direct)` : ''}`;
    console.log(`${`raw JetStream publish → consume → ack, ${WINDOW} in flight`.padEnd(44)} ${raw.msgsPerSec.toFixed(0).padStart(6)} msgs/s      p50 ${raw.p50.toFixed(1)} ms  p99 ${raw.p99.toFixed(1)} ms`);
    console.log(row(`direct NATS publish, ${WINDOW} in flight`, figures.directWindow));
    console.log(row(`through the gateway, ${WINDOW} in flight`, figures.gatewayWindow, figures.directWindow));
    console.log(row('direct NATS publish, one at a time', figures.directOne));
    console.log(row('through the gateway, one at a time', figures.gatewayOne, figures.directOne));
  } finally {
    await client.close();
    await gateway.close();
    await nats.stop();
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
