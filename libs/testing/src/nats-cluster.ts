import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { connect, StorageType, type NatsConnection } from 'nats';
import { NATS_CONFIG, freePorts } from './nats-server';

export interface NatsClusterServer {
  /** The server_name, e.g. "n1": what stream and meta-group leaders are reported as. */
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  readonly storeDir: string;
  /** Signals the server (SIGKILL by default: a crash) and waits for it to exit; its store is kept. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same ports, configuration and store, after kill(). */
  restart(): Promise<void>;
}

export interface NatsClusterHandle {
  /** The client URL of each server, in order. */
  readonly urls: string[];
  /** All client URLs comma-joined, as NATS_URL takes them. */
  readonly url: string;
  readonly servers: NatsClusterServer[];
  /** The server_name of the JetStream meta-group leader, from a live server's monitoring endpoint. */
  metaLeader(): Promise<string>;
  /** Stops every server and deletes the configurations and stores. */
  stop(): Promise<void>;
}

export interface NatsClusterOptions {
  binary?: string;
  /** For each server to listen, then for JetStream to elect its meta leader with every peer in. */
  startTimeoutMs?: number;
}

interface Node {
  name: string;
  port: number;
  clusterPort: number;
  monitorPort: number;
  configFile: string;
  storeDir: string;
  child?: ChildProcess;
  output: string;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => (socket.destroy(), resolve(false)));
  });
}

/**
 * The node's configuration: AgentOS' server settings (included, so they stay in one file), its
 * name and ports, and routes to every other node. JetStream and its store come from the command line
 * (-js -sd), as for startNatsServer, because a second `jetstream {}` block would replace the included one.
 */
function configOf(node: Node, dir: string, all: Node[], clusterName: string): string {
  const routes = all.filter((other) => other !== node).map((other) => `"nats://127.0.0.1:${other.clusterPort}"`);
  return [
    `include "${relative(dir, NATS_CONFIG)}"`,
    `server_name: "${node.name}"`,
    `listen: "127.0.0.1:${node.port}"`,
    `http: "127.0.0.1:${node.monitorPort}"`,
    'cluster {',
    `  name: "${clusterName}"`,
    `  listen: "127.0.0.1:${node.clusterPort}"`,
    `  routes: [${routes.join(', ')}]`,
    '}',
    '',
  ].join('\n');
}

/**
 * Starts a JetStream cluster of `size` nats-server processes on loopback (free client, route and
 * monitoring ports; a temporary directory with each server's configuration and store) and returns
 * once the meta leader is elected and a stream with `size` replicas can be placed.
 */
export async function startNatsCluster(size = 3, options: NatsClusterOptions = {}): Promise<NatsClusterHandle> {
  const binary = options.binary ?? process.env.NATS_SERVER_BIN ?? 'nats-server';
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const dir = mkdtempSync(join(tmpdir(), 'agentos-nats-cluster-'));
  const clusterName = `agentos-test-${process.pid}`;
  const nodes: Node[] = [];
  const ports = await freePorts(size * 3);
  for (let i = 1; i <= size; i += 1) {
    const name = `n${i}`;
    const [port, clusterPort, monitorPort] = ports.slice((i - 1) * 3, i * 3);
    nodes.push({ name, port, clusterPort, monitorPort, configFile: join(dir, `${name}.conf`), storeDir: join(dir, name), output: '' });
  }
  for (const node of nodes) {
    mkdirSync(node.storeDir);
    writeFileSync(node.configFile, configOf(node, dir, nodes, clusterName));
  }

  const launch = async (node: Node) => {
    node.output = '';
    const child = spawn(binary, ['-c', node.configFile, '-js', '-sd', node.storeDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    node.child = child;
    const collect = (chunk: Buffer) => (node.output = (node.output + chunk.toString()).slice(-4_000));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('error', (error) => (node.output += `\n${error.message}`));
    const deadline = Date.now() + timeoutMs;
    while (!(await listening(node.port))) {
      if (child.exitCode !== null) throw new Error(`nats-server ${node.name} exited with ${child.exitCode}: ${node.output}`);
      if (Date.now() > deadline) throw new Error(`nats-server ${node.name} did not listen on ${node.port} in ${timeoutMs} ms: ${node.output}`);
      await settle(25);
    }
  };

  const terminate = (node: Node, signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      const child = node.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });

  const stop = async () => {
    await Promise.all(
      nodes.map(async (node) => {
        // A clustered server may linger over its shutdown; a stop must end.
        const late = setTimeout(() => node.child?.kill('SIGKILL'), 5_000);
        await terminate(node, 'SIGTERM');
        clearTimeout(late);
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };

  const urls = nodes.map((node) => `nats://127.0.0.1:${node.port}`);
  try {
    await Promise.all(nodes.map(launch));
    await untilJetStreamClustered(urls, size, timeoutMs, () => nodes.map((n) => `${n.name}: ${n.output}`).join('\n'));
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    urls,
    url: urls.join(','),
    servers: nodes.map((node, index) => ({
      name: node.name,
      url: urls[index],
      get pid() {
        return node.child?.pid ?? -1;
      },
      storeDir: node.storeDir,
      kill: (signal: NodeJS.Signals = 'SIGKILL') => terminate(node, signal),
      restart: () => launch(node),
    })),
    async metaLeader() {
      for (const node of nodes) {
        if (!node.child || node.child.exitCode !== null || node.child.signalCode !== null) continue;
        try {
          const reply = await fetch(`http://127.0.0.1:${node.monitorPort}/jsz`, { signal: AbortSignal.timeout(2_000) });
          const jsz = (await reply.json()) as { meta_cluster?: { leader?: string } };
          if (jsz.meta_cluster?.leader) return jsz.meta_cluster.leader;
        } catch {
          // This one is not answering: ask the next.
        }
      }
      throw new Error('no server knows a JetStream meta leader');
    },
    stop,
  };
}

/** Polls until a stream with `replicas` replicas can be created: the meta leader is elected and every peer has joined. */
async function untilJetStreamClustered(urls: string[], replicas: number, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const name = `CLUSTER_READY_${process.pid}`;
  let nc: NatsConnection | undefined;
  let last = '';
  try {
    nc = await connect({ servers: urls, name: 'cluster-ready', maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const jsm = await nc.jetstreamManager({ timeout: 2_000, checkAPI: false });
    for (;;) {
      try {
        await jsm.streams.add({ name, subjects: [`cluster.ready.${process.pid}`], storage: StorageType.Memory, num_replicas: replicas });
        await jsm.streams.delete(name);
        return;
      } catch (error) {
        last = (error as Error).message;
      }
      if (Date.now() > deadline) throw new Error(`JetStream cluster not ready in ${timeoutMs} ms (last: ${last}):\n${log()}`);
      await settle(200);
    }
  } finally {
    await nc?.close();
  }
}
