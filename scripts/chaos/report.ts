import type { ChaosReport } from './run-chaos';
import type { RunTally } from './tally';
import { CHAOS_STEP_TIMEOUT_MS } from './workflows';

const TITLE = '# Reliability: the chaos suite';
const rows = (record: Record<string, number>) => Object.entries(record).map(([k, v]) => `| ${k} | ${v} |`).join('\n') || '| (none) | 0 |';
const both = (label: string, value: (tally: RunTally) => string | number) => (report: ChaosReport) => `| ${label} | ${value(report.intents)} | ${value(report.workflows)} |`;
const MEASURES = [
  both('submitted', (t) => t.submitted),
  both('completed', (t) => t.completed),
  both('failed on purpose (a declined charge, refunded by its compensation)', (t) => t.failedOnPurpose),
  both('**failed or rejected for infrastructure reasons**', (t) => `**${t.failedForInfrastructure}**`),
  both('**lost** (never settled)', (t) => `**${t.lost}**`),
  both('**steps whose side effect ran twice**', (t) => `**${t.twice}**`),
  both('latency, submit → settled, during chaos', (t) => `p50 ${t.latencyMs.p50} ms, p99 ${t.latencyMs.p99} ms, max ${t.latencyMs.max} ms`),
];

/**
 * Earlier runs stay in the document as history, newest first: the last latest run becomes the first earlier one (its
 * headings a level down), and the runs before it keep theirs, so headings never nest deeper than a run's own.
 */
export function asHistory(previous: string): string {
  const [latest, earlier = ''] = previous.replace(`${TITLE}\n`, '').split(/^## Earlier runs\n/m);
  return `${latest.trim().replace(/^(#+) /gm, '#$1 ').replace(/^### Latest run: /, '### Run: ')}\n\n${earlier.trim()}`.trim();
}

/** The chaos report as the head of docs/reliability.md, over the `previous` document. */
export function markdown(report: ChaosReport, command: string, commit: string, previous: string): string {
  const killed = Object.values(report.kills).reduce((a, b) => a + b, 0);
  return `${TITLE}

## Latest run: intents and workflows${report.orchestrators > 1 ? `, ${report.orchestrators} orchestrator replicas` : ''}, nats-server restarted ${report.natsRestarts} times (commit \`${commit}\`)

Measured on this project's standard machine (2 cores, 24 GiB, Debian, Node.js 20, Debian's nats-server 2.9.10,
file store on local disk) with:

\`\`\`bash
${command}
\`\`\`

Every app runs as its own process (the \`nx build\` bundles), with two agent processes.${
    report.orchestrators > 1
      ? ` The orchestrator runs as ${report.orchestrators} replicas: every one working, each deciding the runs of its share of the 16 partitions (3 s leases), each killed like any service (a killed replica's partitions are taken over by the others when its leases run out, and handed back as it returns).`
      : ''
  } Intents (one step each) and
workflows (the three examples/ workflows in turn, every step done by the chaos agent with a ${CHAOS_STEP_TIMEOUT_MS / 60_000}-minute deadline:
a chain, a fan-out with its fan-in, and an order whose charge is declined on purpose every other time so that its
refund compensation runs) are submitted together. Meanwhile a random running service (orchestrator, registry, memory, policy or
observability) is SIGKILLed every 2 s and started again, without waiting for the last victim to be back, and
nats-server itself is SIGKILLed and restarted ${report.natsRestarts} times, spread over the submissions. Afterwards every
run's outcome is read back from the event store; the agents' side effects are counted per step from the file they
append to (one line per run of an agent's code). A failure is *on purpose* when it is the declined charge; any
other failure or rejection is counted as one the chaos caused.

| measure | intents | workflows |
| --- | --- | --- |
${MEASURES.map((row) => row(report)).join('\n')}

| | |
| --- | --- |
| service kills | ${killed} (${Object.entries(report.kills).map(([k, v]) => `${k} ${v}`).join(', ')}) |
| nats-server restarts | ${report.natsRestarts} (at ${report.natsKilledAt.join(', ')}) |
| duration | ${report.durationSeconds} s |

Failures and rejections, by reason:

| reason | intents | workflows |
| --- | --- | --- |
${[...new Set([...Object.keys(report.intents.failures), ...Object.keys(report.workflows.failures)])].map((reason) => `| ${reason} | ${report.intents.failures[reason] ?? 0} | ${report.workflows.failures[reason] ?? 0} |`).join('\n') || '| (none) | 0 | 0 |'}

Dead letters, by reason:

| reason | messages |
| --- | --- |
${rows(report.deadLetters)}
${report.duplicates.length === 0 ? '' : `
Steps that ran twice: each run of the effect, then the run's history.

${report.duplicates.map((d) => `- run \`${d.runId}\`\n${d.effects.map((e) => `  - effect: ${e.stepId} attempt ${e.attempt} on ${e.instanceId} at ${e.at}`).join('\n')}\n${d.history.map((h) => `  - ${h}`).join('\n')}`).join('\n')}
`}
## Earlier runs

${asHistory(previous)}
`;
}
