import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const ROOT = join(__dirname, '..');
export const APPS = ['orchestrator', 'registry', 'memory', 'policy', 'observability', 'demo-agent'] as const;
/** Every app the deploy files run: the gateway too, which the demo starts on its own (it needs its tokens first). */
export const DEPLOYED_APPS = [...APPS, 'gateway'] as const;

export interface AppProcess {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** Resolves when the app logs its structured start line. */
  started: Promise<void>;
}

export interface SpawnOptions {
  /** Run the bundle `nx build <app>` made instead of the sources. */
  built?: boolean;
  /** Where to keep everything the process writes (stdout and stderr, appended): its log outlives it. */
  logFile?: string;
}

/** Runs an app's main.ts as its own process, the way a deployment would, and watches its JSON log. */
export function spawnApp(name: string, env: NodeJS.ProcessEnv, onLine: (line: Record<string, unknown>) => void = () => undefined, options: SpawnOptions = {}): AppProcess {
  // From source through swc's hook, or the bundle `nx build <app>` made.
  const args = options.built ? [join(ROOT, 'dist', name, 'apps', name, 'src', 'main.js')] : ['-r', '@swc-node/register', join(ROOT, 'apps', name, 'src', 'main.ts')];
  return spawnNode(name, args, env, onLine, options.logFile);
}

/** Runs a TypeScript file (e.g. a test agent) as its own process; it must log a service.started line. */
export const spawnScript = (name: string, file: string, env: NodeJS.ProcessEnv, onLine?: (line: Record<string, unknown>) => void, logFile?: string): AppProcess =>
  spawnNode(name, ['-r', '@swc-node/register', file], env, onLine, logFile);

function spawnNode(name: string, args: string[], env: NodeJS.ProcessEnv, onLine: (line: Record<string, unknown>) => void = () => undefined, logFile?: string): AppProcess {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (logFile) {
    mkdirSync(dirname(logFile), { recursive: true });
    const log = createWriteStream(logFile, { flags: 'a' });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once('close', () => log.end()); // after both pipes have drained
  }
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = new Promise<void>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const text of lines) {
        try {
          const line = JSON.parse(text) as Record<string, unknown>;
          onLine(line);
          if (line.event === 'service.started') resolve();
        } catch {
          // not a log line of ours
        }
      }
    });
    void exited.then((code) => reject(new Error(`${name} exited with ${code} before starting: ${stderr}`)));
  });
  started.catch(() => undefined);
  return { name, child, exited, started };
}
