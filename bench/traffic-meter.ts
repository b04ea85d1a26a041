/**
 * What a piece of work costs in messages: the messages nats-server took in and handed out (its `/varz`
 * monitoring endpoint), and the socket writes this process made (every service's connection in the bench's
 * process). On this kind of machine a write that wakes another process costs far more than its bytes, so the
 * number of writes per intent is a figure to watch beside the CPU.
 */
import { Socket } from 'node:net';

let writes = 0;
const write = Socket.prototype.write;
/** Counts this process's socket writes from now on (a wrapper around `net.Socket#write`). */
export function countSocketWrites(): void {
  if ((Socket.prototype.write as unknown) !== write) return;
  Socket.prototype.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
    writes += 1;
    return write.apply(this, args);
  } as Socket['write'];
}

interface Varz {
  in_msgs: number;
  out_msgs: number;
}

export interface TrafficCost {
  /** Messages published to nats-server (every publish, request, reply, ack and JetStream API call). */
  inMsgs: number;
  /** Messages nats-server delivered to subscribers. */
  outMsgs: number;
  /** Socket writes by this process. */
  socketWrites: number;
}

/** Starts measuring against the server's monitoring port; call the result with the number of units done. */
export async function trafficMeter(monitorPort: number): Promise<(units: number) => Promise<TrafficCost>> {
  const varz = async (): Promise<Varz> => (await fetch(`http://127.0.0.1:${monitorPort}/varz`)).json() as Promise<Varz>;
  const before = await varz();
  const writes0 = writes;
  return async (units) => {
    const after = await varz();
    return { inMsgs: (after.in_msgs - before.in_msgs) / units, outMsgs: (after.out_msgs - before.out_msgs) / units, socketWrites: (writes - writes0) / units };
  };
}

interface Jsz {
  account_details?: { stream_detail?: { name: string; state: { messages: number; last_seq: number }; consumer_detail?: { name: string; delivered: { consumer_seq: number } }[] }[] }[];
}

/** Per JetStream stream, messages stored; per durable consumer, messages delivered (redeliveries included). */
async function jetStreamCounts(monitorPort: number): Promise<Map<string, number>> {
  const jsz = (await (await fetch(`http://127.0.0.1:${monitorPort}/jsz?accounts=true&streams=true&consumers=true`)).json()) as Jsz;
  const counts = new Map<string, number>();
  for (const account of jsz.account_details ?? []) {
    for (const stream of account.stream_detail ?? []) {
      counts.set(`stored in ${stream.name}`, stream.state.last_seq);
      for (const consumer of stream.consumer_detail ?? []) counts.set(`delivered to ${consumer.name}`, consumer.delivered.consumer_seq);
    }
  }
  return counts;
}

/** Starts counting JetStream's stores and deliveries; call the result with the units done for the non-zero ones per unit. */
export async function jetStreamMeter(monitorPort: number): Promise<(units: number) => Promise<{ what: string; perUnit: number }[]>> {
  const before = await jetStreamCounts(monitorPort);
  return async (units) => {
    const after = await jetStreamCounts(monitorPort);
    return [...after]
      .map(([what, count]) => ({ what, perUnit: (count - (before.get(what) ?? 0)) / units }))
      .filter(({ perUnit }) => perUnit > 0)
      .sort((a, b) => b.perUnit - a.perUnit);
  };
}
