/**
 * The raw NATS figures every AgentOS benchmark is compared with, measured the way a tuned client would
 * (../shared/tools/raw-jetstream.mjs): `consumer.consume()`, acks not awaited one by one, publishes pipelined.
 * Measured on the benchmark's own nats-server, in the same run.
 */
import { AckPolicy, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';
import { performance } from 'node:perf_hooks';

export const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
export const sortedCopy = (values: readonly number[]) => [...values].sort((a, b) => a - b);

export interface Latency {
  p50: number;
  p99: number;
}

export const latencyOf = (values: readonly number[]): Latency => {
  const sorted = sortedCopy(values);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

/** Publish → consume → ack with `window` messages in flight. */
export async function rawThroughput(js: JetStreamClient, jsm: JetStreamManager, count: number, window: number): Promise<{ msgsPerSec: number } & Latency> {
  await jsm.streams.add({ name: 'BENCH_RAW', subjects: ['bench.raw.>'] });
  await jsm.consumers.add('BENCH_RAW', { durable_name: 'flow', ack_policy: AckPolicy.Explicit, filter_subject: 'bench.raw.flow' });
  const consumer = await js.consumers.get('BENCH_RAW', 'flow');
  const latencies: number[] = [];
  let inFlight = 0;
  // The publisher waits for the consumer to make room (no polling loop: the CPU per message is measured too).
  let room: (() => void) | undefined;
  const started = performance.now();
  const consumed = (async () => {
    const messages = await consumer.consume({ max_messages: 256 });
    for await (const message of messages) {
      message.ack();
      latencies.push(performance.now() - Number(message.string()));
      inFlight -= 1;
      room?.();
      if (latencies.length >= count) break;
    }
  })();
  for (let i = 0; i < count; i += 1) {
    while (inFlight >= window) await new Promise<void>((resolve) => (room = resolve));
    inFlight += 1;
    js.publish('bench.raw.flow', Buffer.from(String(performance.now()))).catch(() => undefined);
  }
  await consumed;
  return { msgsPerSec: count / ((performance.now() - started) / 1000), ...latencyOf(latencies) };
}

/** Five decisions in a row as bare JetStream: publish, consume, publish the next; one chain at a time. */
export async function rawChain(js: JetStreamClient, jsm: JetStreamManager, chains: number, hops = 5): Promise<Latency> {
  await jsm.consumers.add('BENCH_RAW', { durable_name: 'chain', ack_policy: AckPolicy.Explicit, filter_subject: 'bench.raw.hop.>' });
  const consumer = await js.consumers.get('BENCH_RAW', 'chain');
  let chainDone: () => void = () => undefined;
  const messages = await consumer.consume({ max_messages: 64 });
  void (async () => {
    for await (const message of messages) {
      message.ack();
      const hop = Number(message.subject.split('.').at(-1));
      if (hop < hops) js.publish(`bench.raw.hop.${hop + 1}`, message.data).catch(() => undefined);
      else chainDone();
    }
  })();
  const durations: number[] = [];
  for (let i = 0; i < chains; i += 1) {
    const started = performance.now();
    await new Promise<void>((resolve) => {
      chainDone = resolve;
      js.publish('bench.raw.hop.1', Buffer.from('x')).catch(() => undefined);
    });
    durations.push(performance.now() - started);
  }
  messages.stop();
  return latencyOf(durations);
}

/** Core NATS request/reply, one at a time. */
export async function rawRequestReply(nc: NatsConnection, count: number): Promise<Latency> {
  const responder = nc.subscribe('bench.raw.rr', { callback: (_, message) => message.respond(message.data) });
  const durations: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await nc.request('bench.raw.rr', Buffer.from('x'));
    durations.push(performance.now() - started);
  }
  responder.unsubscribe();
  return latencyOf(durations);
}
