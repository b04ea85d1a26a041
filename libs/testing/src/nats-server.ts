import { spawn, type ChildProcess } from 'node:child_process';
import { DEMO_AGENTS, IdentityStore, natsPrincipals, pushAccountJwt, type NatsPrincipal } from '@agentos/identity';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export * from '@agentos/identity';

/** How a principal logs in: its creds file (NatsSettings.creds, NATS_CREDS). */
export interface NatsCredentials {
  creds: string;
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
   * With `auth`: each principal's creds file, by user name ("orchestrator", "agent-summariser", "cli", "admin";
   * see libs/identity nats-permissions.ts). Without: undefined (anyone may connect and do anything).
   */
  readonly credentials?: Readonly<Record<string, NatsCredentials>>;
  /** With `auth`: the identity directory (libs/identity IdentityStore; AGENTOS_IDENTITY_DIR for `agentos principals`). */
  readonly identityDir?: string;
  /** With `auth`: issues a principal's creds while the server runs (no restart: the server trusts the account's signature). */
  addPrincipal(principal: NatsPrincipal): Promise<NatsCredentials>;
  /** With `auth`: revokes a user on the running server (its connections are closed, new ones refused). */
  revoke(user: string): Promise<void>;
  /** The permission violations the server has logged since it started (refused publishes and subscriptions). */
  violations(): string[];
}

export interface NatsServerOptions {
  /** Extra nats-server arguments, e.g. ['-c', configFile]. */
  args?: string[];
  binary?: string;
  startTimeoutMs?: number;
  /** Defaults to a free port, chosen by nats-server itself. */
  port?: number;
  /** Defaults to a new temporary directory, deleted by stop(). A given one is kept. */
  storeDir?: string;
  /**
   * Operator mode (decentralized JWT auth, libs/identity): a user JWT per service, per agent (the demo agents,
   * or these names), the CLI operator and admin, each limited to its subjects (nats-permissions.ts). The
   * identity is fresh and temporary; the handle's `credentials` has the creds files.
   */
  auth?: boolean | AuthOptions;
}

export interface AuthOptions {
  /** Agents with a platform-wide user each; the demo agents by default. */
  agents?: readonly string[];
  /** More principals besides the built-in ones, e.g. a tenant's agent or people with roles (agentPrincipal, userPrincipal). */
  principals?: readonly NatsPrincipal[];
  /**
   * Keep the identity in this directory, created on first use and reused after (`npm start`: .data/identity,
   * where `agentos principals` finds it); the server's configuration and resolver go to its `server/`.
   * Default: a fresh temporary one, deleted by stop().
   */
  identityDir?: string;
}

/** The server settings AgentOS relies on (message size), shared with the local start script. */
export const NATS_CONFIG = join(__dirname, '../../../deploy/nats/agentos.conf');

/** A free TCP port on the loopback interface, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}

/**
 * `count` distinct free TCP ports on the loopback interface: each is held until all are chosen, since the kernel may
 * hand a port it just took back to the next request (a 3-node cluster once got one port for two of its listeners).
 */
export async function freePorts(count: number): Promise<number[]> {
  const held = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.unref();
          server.on('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = held.map((server) => (server.address() as { port: number }).port);
  await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/**
 * Waits for this child's own "Server is ready" and returns the client port it reports listening on. Probing the
 * port instead would be fooled by another process holding it: a parallel suite's HTTP server can be given the port
 * by the kernel in the moment it is free, the probe connects to that server, this nats-server fails to bind and
 * the clients then wait 20 s for an INFO that never comes (CI's rare "dial TIMEOUT").
 */
function waitForReady(child: ChildProcess, timeoutMs: number, log: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let port: number | undefined;
    let partial = '';
    const finish = (error?: Error) => {
      clearTimeout(timer);
      child.stdout?.off('data', read);
      child.stderr?.off('data', read);
      child.off('exit', exited);
      if (error) reject(error);
      else resolve(port!);
    };
    const read = (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        port ??= Number(/Listening for client connections on .*:(\d+)\s*$/.exec(line)?.[1]) || undefined;
        if (/Server is ready/.test(line)) return finish(port ? undefined : new Error(`nats-server is ready but named no client port: ${log()}`));
      }
    };
    const exited = (code: number | null) => finish(new Error(`nats-server exited with ${code}: ${log()}`));
    const timer = setTimeout(() => finish(new Error(`nats-server was not ready in ${timeoutMs} ms: ${log()}`)), timeoutMs);
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', exited);
  });
}

/**
 * Starts a private JetStream-enabled nats-server on a free loopback port with a temporary store.
 * Each test suite gets its own, so suites never share streams or consumers.
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  // Port -1: nats-server binds a free one itself and names it (no window between choosing and binding); a restart reuses it.
  let port = options.port ?? -1;
  const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'agentos-nats-'));
  const binary = options.binary ?? process.env.NATS_SERVER_BIN ?? 'nats-server';
  const auth = options.auth ? await prepareIdentity(options.auth === true ? {} : options.auth) : undefined;
  let child: ChildProcess;
  let output = '';
  let partial = '';
  const violations: string[] = [];

  const launch = async () => {
    output = '';
    const args = ['-c', auth?.writeConfig() ?? NATS_CONFIG, '-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir, ...(options.args ?? [])];
    child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_000);
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      violations.push(...lines.filter((line) => /(Publish|Subscription) Violation/i.test(line)).map((line) => auth?.named(line) ?? line));
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('error', (error) => {
      output += `\n${error.message}`;
    });
    port = await waitForReady(child, options.startTimeoutMs ?? 10_000, () => output);
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
    identityDir: auth?.store.dir,
    async addPrincipal(principal) {
      if (!auth) throw new Error('addPrincipal: this nats-server runs without auth');
      return (auth.credentials[principal.user] = { creds: await auth.store.issue(principal) });
    },
    async revoke(user) {
      if (!auth) throw new Error('revoke: this nats-server runs without auth');
      await pushAccountJwt(`nats://127.0.0.1:${port}`, auth.store.systemCreds, await auth.store.revoke(user));
      delete auth.credentials[user];
    },
    violations: () => [...violations],
    kill: () => terminate('SIGKILL'),
    restart: launch,
    async stop() {
      await terminate('SIGTERM');
      if (!options.storeDir) rmSync(storeDir, { recursive: true, force: true });
      if (auth?.temporary) rmSync(auth.dir, { recursive: true, force: true });
    },
  };
}

/**
 * Writes `<dir>/agentos-operator.conf`: the base settings (agentos.conf, copied beside it: nats-server resolves
 * `include` relative to the including file) and operator mode on the store's identity (`auth.conf`), the resolver
 * keeping account JWTs in `resolverDir` (a path on the server's machine). Returns the file's path. `auth.conf`
 * stands alone for servers whose configuration is written by the official NATS Helm chart (deploy/k8s).
 */
export function writeOperatorConfig(store: IdentityStore, dir: string, resolverDir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  copyFileSync(NATS_CONFIG, join(dir, 'agentos.conf'));
  writeFileSync(join(dir, 'auth.conf'), store.serverConfig(resolverDir));
  const config = join(dir, 'agentos-operator.conf');
  writeFileSync(config, 'include "agentos.conf"\ninclude "auth.conf"\n');
  return config;
}

/**
 * The identity (operator, accounts, a creds file per principal: fresh, or options.identityDir's) and the
 * server's operator-mode configuration beside the resolver's directory, which outlives restart() so that
 * revocations pushed to the server survive it. `nats-server -c <writeConfig()>` starts a server on it.
 */
export async function prepareIdentity(options: AuthOptions) {
  const temporary = !options.identityDir;
  const dir = options.identityDir ? join(options.identityDir, 'server') : mkdtempSync(join(tmpdir(), 'agentos-nats-auth-'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const store = await IdentityStore.open(options.identityDir ?? join(dir, 'identity'));
  const credentials: Record<string, NatsCredentials> = {};
  for (const principal of [...natsPrincipals(options.agents ?? DEMO_AGENTS), ...(options.principals ?? [])]) credentials[principal.user] = { creds: await store.ensure(principal) };
  /** The configuration with the account JWT as it stands now (a restart after a revocation preloads the revoked one). */
  const writeConfig = () => writeOperatorConfig(store, dir, join(dir, 'resolver'));
  /** The server names a JWT user by its public key (`Nkey "U…"`) in violations: name it by its user instead. */
  const named = (line: string) => line.replace(/Nkey "(U[A-Z0-9]{55})"/, (_whole, key: string) => `User "${store.list().find((r) => r.publicKey === key)?.user ?? key}"`);
  return { dir, temporary, store, credentials, writeConfig, named };
}
