import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(__dirname, '../apps/cli/bin/agentos.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the agentos CLI as a child process against a nats-server, as a user would. */
export const cliRunner =
  (env: () => Record<string, string>) =>
  (...args: string[]) =>
    new Promise<CliRun>((resolve) => {
      execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env() }, timeout: 90_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
