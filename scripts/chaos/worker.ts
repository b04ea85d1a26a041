// The chaos suite's agent, run as its own process: its side effect is one line per completed task in
// CHAOS_EFFECTS_FILE (intent, task, attempt, instance, time), so the suite can count tasks whose effect
// happened twice and tell which delivery ran it again.
import { defineAgent, runAgent } from '@agentos/agent-sdk';
import { appendFileSync } from 'node:fs';

const effects = process.env.CHAOS_EFFECTS_FILE;
if (!effects) throw new Error('CHAOS_EFFECTS_FILE is required');

const worker = defineAgent({
  name: 'chaos-worker',
  version: '1.0.0',
  owner: 'chaos',
  capabilities: ['chaos'],
  concurrency: 32,
  async handle(_, ctx) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const { intentId, taskId, attempt, instanceId } = ctx.task;
    appendFileSync(effects, `${JSON.stringify({ intentId, taskId, attempt, instanceId, at: new Date().toISOString() })}\n`);
    return { ok: true };
  },
});

runAgent(worker, { heartbeatMs: 1_000 }).then((agent) => {
  process.stdout.write(`${JSON.stringify({ event: 'service.started', instanceId: agent.instanceId })}\n`);
  process.once('SIGTERM', () => void agent.stop().then(() => process.exit(0)));
});
