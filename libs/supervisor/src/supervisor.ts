import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readLines } from './lines';
import type { AgentTemplate, AgentTemplates } from './templates';

/**
 * The supervising service's own keys, never handed to the agents it starts: its event-store signing key
 * (`AGENTOS_SECRET_SIGNING_KEY_<SERVICE>`) and the tenant master key. An agent holding them could sign appends
 * as the service or open every tenant's sealed data. A template that needs a secret names it in its own `env`.
 */
const WITHHELD = /^AGENTOS_SECRET_(SIGNING_KEY_[A-Z0-9_]+|TENANT_MASTER_KEY)$/;
const inheritable = (env: NodeJS.ProcessEnv) => Object.fromEntries(Object.entries(env).filter(([name]) => !WITHHELD.test(name)));

interface InstanceRef {
  template: string;
  agent: string;
  instanceId: string;
}

/** `restarts` counts restart attempts of the slot, failed ones included (0 for the first process), like Kubernetes' restartCount. */
export type SpawnedEvent = InstanceRef & { pid: number; restarts: number };
/** `willRestartInMs` is null when the exit was asked for (terminate, stop): no restart follows. */
export type ExitedEvent = InstanceRef & { pid: number; code: number | null; signal: string | null; willRestartInMs: number | null };
export type TerminatedEvent = InstanceRef & { reason: string };
/** A restart could not even start a process (command or cwd gone); it is retried with the same backoff. */
export type SpawnFailedEvent = InstanceRef & { error: string; willRestartInMs: number };

export interface SupervisorEvents {
  spawned(e: SpawnedEvent): void;
  exited(e: ExitedEvent): void;
  terminated(e: TerminatedEvent): void;
  spawnFailed(e: SpawnFailedEvent): void;
}

export interface BackoffOptions {
  /** Delay before the first restart after a crash; doubles with each consecutive crash. */
  initialMs: number;
  maxMs: number;
  /** A process that ran at least this long resets the consecutive-crash counter. */
  resetAfterMs: number;
}

export type LogLine = (instanceId: string, stream: 'stdout' | 'stderr', line: string) => void;

export interface SupervisorOptions {
  templates: AgentTemplates;
  /** Templates' `cwd` is resolved against this (the repository root in development). */
  root: string;
  /** Merged over process.env for every child; template env is merged over this. */
  env?: NodeJS.ProcessEnv;
  events?: Partial<SupervisorEvents>;
  backoff?: Partial<BackoffOptions>;
  /** Receives the children's output line by line; by default it is read and dropped. */
  log?: LogLine;
}

export type InstanceState = 'running' | 'restarting' | 'stopping';

export interface InstanceInfo {
  instanceId: string;
  template: string;
  agent: string;
  /** The live process; null while waiting to restart. */
  pid: number | null;
  restarts: number;
  /** When the current (or, while restarting, the last) process was started, ISO 8601. */
  startedAt: string;
  state: InstanceState;
}

/** One supervised slot. It keeps its instance id across restarts: it is the same worker, restarted. */
interface Slot {
  readonly instanceId: string;
  readonly templateName: string;
  readonly template: AgentTemplate;
  child: ChildProcess | null;
  /** Resolves when `child` has exited (and `onExit` has run). */
  exit: Promise<void>;
  startedAt: number;
  restarts: number;
  /** Crashes in a row without a run of `resetAfterMs`; the backoff exponent. */
  consecutive: number;
  restartTimer: NodeJS.Timeout | null;
  /** Set once termination has begun; the exit handler then never restarts. */
  stopping: Promise<void> | null;
}

const INSTANCE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Starts agent workers from templates, restarts crashed ones with exponential backoff, terminates on request. */
export class Supervisor {
  private readonly templates: AgentTemplates;
  private readonly root: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly events: Partial<SupervisorEvents>;
  private readonly backoff: BackoffOptions;
  private readonly log: LogLine;
  private readonly slots = new Map<string, Slot>();
  private stopped = false;

  constructor(options: SupervisorOptions) {
    this.templates = { ...options.templates };
    this.root = options.root;
    this.env = options.env ?? {};
    this.events = options.events ?? {};
    this.backoff = { initialMs: 500, maxMs: 30_000, resetAfterMs: 30_000, ...options.backoff };
    this.log = options.log ?? (() => undefined);
  }

  /**
   * Starts `count` (default 1) instances of a template. All-or-nothing on the checks: an unknown
   * template, a bad or taken instance id, or exceeding maxInstances throws before anything starts.
   */
  spawn(templateName: string, options: { instanceId?: string; count?: number } = {}): Array<{ instanceId: string; pid: number }> {
    if (this.stopped) throw new Error('supervisor is stopped');
    const template = Object.hasOwn(this.templates, templateName) ? this.templates[templateName] : undefined;
    if (!template) {
      const known = Object.keys(this.templates).sort().join(', ') || '(none)';
      throw new Error(`unknown template "${templateName}"; known templates: ${known}`);
    }
    const count = options.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a positive integer, got ${count}`);
    if (options.instanceId !== undefined) {
      if (count !== 1) throw new Error('an explicit instanceId starts exactly one instance');
      if (!INSTANCE_ID.test(options.instanceId)) throw new Error(`instance id "${options.instanceId}" must be 1-128 characters of A-Z, a-z, 0-9, _ or -`);
      if (this.slots.has(options.instanceId)) throw new Error(`instance "${options.instanceId}" already exists`);
    }
    const live = [...this.slots.values()].filter((slot) => slot.templateName === templateName).length;
    if (live + count > template.maxInstances) {
      throw new Error(`template "${templateName}" allows at most ${template.maxInstances} instances: ${live} live, ${count} requested`);
    }
    const started: Array<{ instanceId: string; pid: number }> = [];
    for (let i = 0; i < count; i++) {
      const slot: Slot = {
        instanceId: options.instanceId ?? this.newInstanceId(templateName),
        templateName,
        template,
        child: null,
        exit: Promise.resolve(),
        startedAt: Date.now(),
        restarts: 0,
        consecutive: 0,
        restartTimer: null,
        stopping: null,
      };
      // Throws when the process cannot start; instances started earlier in this call stay supervised.
      const pid = this.launch(slot);
      this.slots.set(slot.instanceId, slot);
      started.push({ instanceId: slot.instanceId, pid });
    }
    return started;
  }

  /**
   * SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. Never restarted.
   * Cancels a pending restart. False when the instance is unknown (or already terminated).
   */
  async terminate(instanceId: string, reason: string, graceMs = 10_000): Promise<boolean> {
    const slot = this.slots.get(instanceId);
    if (!slot) return false;
    // A second terminate while the first is in progress waits for the same outcome.
    slot.stopping ??= this.stopSlot(slot, reason, graceMs);
    await slot.stopping;
    return true;
  }

  /** Terminates every instance registering as `agent` (a kill switch); resolves with their ids. */
  async terminateAgent(agent: string, reason: string, graceMs = 10_000): Promise<string[]> {
    const ids = [...this.slots.values()].filter((slot) => slot.template.agent === agent).map((slot) => slot.instanceId);
    await Promise.all(ids.map((id) => this.terminate(id, reason, graceMs)));
    return ids;
  }

  list(): InstanceInfo[] {
    return [...this.slots.values()].map((slot) => ({
      instanceId: slot.instanceId,
      template: slot.templateName,
      agent: slot.template.agent,
      pid: slot.child?.pid ?? null,
      restarts: slot.restarts,
      startedAt: new Date(slot.startedAt).toISOString(),
      state: slot.stopping ? 'stopping' : slot.child ? 'running' : 'restarting',
    }));
  }

  /** Terminates everything and refuses further spawns; pending restarts are cancelled. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.slots.keys()].map((id) => this.terminate(id, 'supervisor stopping', graceMs)));
  }

  private newInstanceId(templateName: string): string {
    for (;;) {
      const id = `${templateName}-${randomBytes(4).toString('hex')}`;
      if (!this.slots.has(id)) return id;
    }
  }

  /** Starts the slot's process; throws when there is none to supervise. */
  private launch(slot: Slot): number {
    const { template, instanceId } = slot;
    const cwd = resolve(this.root, template.cwd);
    // spawn reports a missing cwd as ENOENT of the command, which misleads; say which it is.
    if (!existsSync(cwd)) throw new Error(`cannot start template "${slot.templateName}": cwd ${cwd} does not exist`);
    const command = template.command ?? process.execPath;
    const child = spawn(command, template.args, {
      cwd,
      env: { ...inheritable(process.env), ...this.env, ...template.env, AGENTOS_INSTANCE_ID: instanceId },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Spawn failures arrive as an 'error' event (and no pid); unhandled, that event would crash us.
    child.on('error', () => undefined);
    if (child.pid === undefined) throw new Error(`cannot start template "${slot.templateName}": could not run ${command} in ${cwd}`);
    const pid = child.pid;
    slot.child = child;
    slot.startedAt = Date.now();
    readLines(child.stdout, (line) => this.safely(() => this.log(instanceId, 'stdout', line)));
    readLines(child.stderr, (line) => this.safely(() => this.log(instanceId, 'stderr', line)));
    slot.exit = new Promise((done) =>
      child.once('exit', (code, signal) => {
        this.onExit(slot, pid, code, signal);
        done();
      }),
    );
    this.emit('spawned', { ...this.ref(slot), pid, restarts: slot.restarts });
    return pid;
  }

  private onExit(slot: Slot, pid: number, code: number | null, signal: string | null): void {
    slot.child = null;
    const ranMs = Date.now() - slot.startedAt;
    // Any exit nobody asked for, even code 0, is restarted: a supervised worker is meant to be running.
    const willRestartInMs = slot.stopping ? null : this.scheduleRestart(slot, ranMs);
    this.emit('exited', { ...this.ref(slot), pid, code, signal, willRestartInMs });
  }

  private scheduleRestart(slot: Slot, ranMs: number): number {
    const { initialMs, maxMs, resetAfterMs } = this.backoff;
    if (ranMs >= resetAfterMs) slot.consecutive = 0;
    const delay = Math.min(maxMs, initialMs * 2 ** slot.consecutive);
    slot.consecutive += 1;
    slot.restartTimer = setTimeout(() => this.restart(slot), delay);
    return delay;
  }

  private restart(slot: Slot): void {
    slot.restartTimer = null;
    slot.restarts += 1;
    try {
      this.launch(slot);
    } catch (error) {
      const willRestartInMs = this.scheduleRestart(slot, 0);
      this.emit('spawnFailed', { ...this.ref(slot), error: (error as Error).message, willRestartInMs });
    }
  }

  private async stopSlot(slot: Slot, reason: string, graceMs: number): Promise<void> {
    if (slot.restartTimer) clearTimeout(slot.restartTimer);
    slot.restartTimer = null;
    const child = slot.child;
    if (child) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await slot.exit;
      clearTimeout(killer);
    }
    this.slots.delete(slot.instanceId);
    this.emit('terminated', { ...this.ref(slot), reason });
  }

  private ref(slot: Slot): InstanceRef {
    return { template: slot.templateName, agent: slot.template.agent, instanceId: slot.instanceId };
  }

  private emit<K extends keyof SupervisorEvents>(name: K, event: Parameters<SupervisorEvents[K]>[0]): void {
    const listener = this.events[name] as ((e: typeof event) => void) | undefined;
    if (listener) this.safely(() => listener(event));
  }

  /** A throwing listener must not leave a slot half-updated (e.g. a restart scheduled twice). */
  private safely(call: () => void): void {
    try {
      call();
    } catch (error) {
      process.emitWarning(`supervisor callback threw: ${(error as Error).stack ?? String(error)}`);
    }
  }
}
