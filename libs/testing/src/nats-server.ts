import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_AGENTS, natsPrincipals, passwordVariable, randomPassword, renderAuthConfig, type NatsPrincipal } from './nats-permissions';

export * from './nats-permissions';

export interface NatsCredentials {
  user: string;
  pass: string;
}

export interface NatsServerHandle {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly storeDir: string;
  /** SIGKILL the server (a crash), keeping its store so a restart finds its streams again. */
  kill(): Promise<void>;
  /** Start the server again on the same port and store after kill(). */
  restart(): Promise<void>;
  /** Stop the server and delete its store. */
  stop(): Promise<void>;
  /**
   * With `auth`: each principal's user and password, by user name ("orchestrator", "agent-summariser",
   * "cli", "admin"; see nats-permissions.ts). Without: undefined (anyone may connect and do anything).
   */
  readonly credentials?: Readonly<Record<string, NatsCredentials>>;
  /** The permission violations the server has logged since it started (refused publishes and subscriptions). */
  violations(): string[];
}

export interface NatsServerOptions {
  /** Extra nats-server arguments, e.g. ['-c', configFile]. */
  args?: string[];
  binary?: string;
  startTimeoutMs?: number;
  /** Defaults to a free port. */
  port?: number;
  /** Defaults to a new temporary directory, deleted by stop(). A given one is kept. */
  storeDir?: string;
  /**
   * Require users: one per service, per agent (the demo agents, or these names), the CLI operator and
   * admin, each limited to its subjects (deploy/nats, generated from nats-permissions.ts). The
   * passwords are random; the handle's `credentials` has them.
   */
  auth?: boolean | AuthOptions;
}

export interface AuthOptions {
  /** Agents with a platform-wide user each; the demo agents by default. */
  agents?: readonly string[];
  /** More principals besides the built-in ones, e.g. a tenant's agent or people with roles (agentPrincipal, userPrincipal). */
  principals?: readonly NatsPrincipal[];
}

/** The server settings AgentOS relies on (message size), shared with the local start script. */
export const NATS_CONFIG = join(__dirname, '../../../deploy/nats/agentos.conf');

/** A free TCP port on the loopback interface, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function waitForPort(port: number, child: ChildProcess, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`nats-server exited with ${child.exitCode}: ${log()}`));
      const socket = tcpConnect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nats-server did not listen on ${port} in ${timeoutMs} ms: ${log()}`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

/**
 * Starts a private JetStream-enabled nats-server on a free loopback port with a temporary store.
 * Each test suite gets its own, so suites never share streams or consumers.
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const port = options.port ?? (await freePort());
  const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'agentos-nats-'));
  const binary = options.binary ?? process.env.NATS_SERVER_BIN ?? 'nats-server';
  const auth = options.auth ? writeAuthConfig(options.auth === true ? {} : options.auth) : undefined;
  let child: ChildProcess;
  let output = '';
  let partial = '';
  const violations: string[] = [];

  const launch = async () => {
    output = '';
    const args = ['-c', auth?.config ?? NATS_CONFIG, '-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir, ...(options.args ?? [])];
    child = spawn(binary, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      // The configuration names each password's variable; the server reads them from its environment.
      ...(auth ? { env: { ...process.env, ...auth.env } } : {}),
    });
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_000);
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      violations.push(...lines.filter((line) => /(Publish|Subscription) Violation/i.test(line)));
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('error', (error) => {
      output += `\n${error.message}`;
    });
    await waitForPort(port, child, options.startTimeoutMs ?? 10_000, () => output);
  };

  const terminate = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });

  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    get pid() {
      return child.pid ?? -1;
    },
    storeDir,
    credentials: auth?.credentials,
    violations: () => [...violations],
    kill: () => terminate('SIGKILL'),
    restart: launch,
    async stop() {
      await terminate('SIGTERM');
      if (!options.storeDir) rmSync(storeDir, { recursive: true, force: true });
      if (auth) rmSync(auth.dir, { recursive: true, force: true });
    },
  };
}

/** The users and permissions of nats-permissions.ts with fresh passwords, in a temporary directory. */
function writeAuthConfig(options: AuthOptions) {
  const dir = mkdtempSync(join(tmpdir(), 'agentos-nats-auth-'));
  const principals = [...natsPrincipals(options.agents ?? DEMO_AGENTS), ...(options.principals ?? [])];
  const credentials = Object.fromEntries(principals.map(({ user }) => [user, { user, pass: randomPassword() }]));
  // nats-server resolves `include` relative to the including file: the base settings go beside it.
  copyFileSync(NATS_CONFIG, join(dir, 'agentos.conf'));
  const config = join(dir, 'agentos-auth.conf');
  writeFileSync(config, renderAuthConfig(principals, 'agentos.conf'), { mode: 0o600 });
  const env = Object.fromEntries(principals.map(({ user }) => [passwordVariable(user), credentials[user].pass]));
  return { dir, config, credentials, env };
}
