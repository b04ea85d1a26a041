/**
 * `npm run chaos`: 10,000 intents and 1,000 workflows (the examples/ ones) through the system while a random
 * service is SIGKILLed and restarted every 2 s and nats-server is restarted three times; prints the report.
 * `--write` adds it to docs/reliability.md. CHAOS_INTENTS / CHAOS_WORKFLOWS / CHAOS_NATS_RESTARTS / CHAOS_WINDOW change the load; CHAOS_ORCHESTRATORS=3 runs three orchestrator replicas.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT } from '../processes';
import { markdown } from './report';
import { runChaos } from './run-chaos';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function main() {
  const load = { intents: setting('CHAOS_INTENTS', 10_000), workflows: setting('CHAOS_WORKFLOWS', 1_000), natsRestarts: setting('CHAOS_NATS_RESTARTS', 3), orchestrators: setting('CHAOS_ORCHESTRATORS', 1) };
  const report = await runChaos({
    ...load,
    window: setting('CHAOS_WINDOW', 200),
    killEveryMs: 2_000,
    settleTimeoutMs: 5 * 60_000,
    built: true,
    progress: (line) => console.log(`${new Date().toISOString().slice(11, 19)}  ${line}`),
  });
  console.log(JSON.stringify(report, null, 2));
  if (process.argv.includes('--write')) {
    const command = `npm run build && CHAOS_INTENTS=${load.intents} CHAOS_WORKFLOWS=${load.workflows} CHAOS_NATS_RESTARTS=${load.natsRestarts} CHAOS_ORCHESTRATORS=${load.orchestrators} npm run chaos -- --write`;
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const file = join(ROOT, 'docs', 'reliability.md');
    writeFileSync(file, markdown(report, command, commit, readFileSync(file, 'utf8')));
    console.log('written to docs/reliability.md');
  }
  const { intents, workflows } = report;
  if (intents.lost + workflows.lost + intents.twice + workflows.twice + intents.failedForInfrastructure + workflows.failedForInfrastructure > 0) process.exitCode = 1;
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
