/**
 * `npm run chaos`: 10,000 intents through the system while a random service is SIGKILLed and restarted
 * every 2 s and nats-server is restarted once; prints the report. `--write` puts it in docs/reliability.md.
 * CHAOS_INTENTS / CHAOS_WINDOW change the load.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../processes';
import { markdown } from './report';
import { runChaos } from './run-chaos';

async function main() {
  const intents = Number(process.env.CHAOS_INTENTS ?? 10_000);
  const report = await runChaos({
    intents,
    window: Number(process.env.CHAOS_WINDOW ?? 200),
    killEveryMs: 2_000,
    natsRestartAt: 0.5,
    settleTimeoutMs: 5 * 60_000,
    built: true,
    progress: (line) => console.log(`${new Date().toISOString().slice(11, 19)}  ${line}`),
  });
  console.log(JSON.stringify(report, null, 2));
  if (process.argv.includes('--write')) {
    const command = `npm run build && ${intents === 10_000 ? '' : `CHAOS_INTENTS=${intents} `}npm run chaos -- --write`;
    writeFileSync(join(ROOT, 'docs', 'reliability.md'), markdown(report, command));
    console.log('written to docs/reliability.md');
  }
  if (report.intents.lost > 0 || report.duplicateEffects > 0) process.exitCode = 1;
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
