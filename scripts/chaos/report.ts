import type { ChaosReport } from './run-chaos';

/** The chaos report as docs/reliability.md. */
export function markdown(report: ChaosReport, command: string): string {
  const rows = (record: Record<string, number>) => Object.entries(record).map(([k, v]) => `| ${k} | ${v} |`).join('\n') || '| (none) | 0 |';
  return `# Reliability: the chaos suite

Measured on this project's standard machine (2 cores, 24 GiB, Debian, Node.js 20, Debian's nats-server 2.9.10,
file store on local disk) with:

\`\`\`bash
${command}
\`\`\`

Every app runs as its own process (the \`nx build\` bundles), with two agent processes. While the intents go
through, a random running service (orchestrator, registry, memory, policy or observability) is SIGKILLed every
2 s and started again; the next kill does not wait for the last victim to be back, so at times several services
are down together. nats-server itself is SIGKILLed and restarted once, half-way. Afterwards every intent's
outcome is read back from the event store; the agents' side effects are counted from the file they append to
(one line per run of an agent's code, naming the intent, attempt and instance).

| measure | value |
| --- | --- |
| intents submitted | ${report.intents.submitted} |
| completed | ${report.intents.completed} |
| failed | ${report.intents.failed} |
| rejected | ${report.intents.rejected} |
| **lost** (never settled) | **${report.intents.lost}** |
| **side effects that ran twice** | **${report.duplicateEffects}** |
| service kills | ${Object.values(report.kills).reduce((a, b) => a + b, 0)} (${Object.entries(report.kills).map(([k, v]) => `${k} ${v}`).join(', ')}) |
| nats-server restarts | ${report.natsRestarts} |
| latency, submit → completed, during chaos | p50 ${report.latencyMs.p50} ms, p99 ${report.latencyMs.p99} ms, max ${report.latencyMs.max} ms |
| duration | ${report.durationSeconds} s |

Failed intents, by reason:

| reason | intents |
| --- | --- |
${rows(report.failures)}

Dead letters, by reason:

| reason | messages |
| --- | --- |
${rows(report.deadLetters)}
${report.duplicates.length === 0 ? '' : `
Side effects that ran twice (nats-server killed at ${report.natsKilledAt ?? 'no time'}): each run of the effect, then the run's history.

${report.duplicates.map((d) => `- intent \`${d.intentId}\`\n${d.effects.map((e) => `  - effect: attempt ${e.attempt} on ${e.instanceId} at ${e.at}`).join('\n')}\n${d.history.map((h) => `  - ${h}`).join('\n')}`).join('\n')}
`}`;
}
