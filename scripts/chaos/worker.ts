// The chaos suite's agent, run as its own process: its side effect is one line per completed task in
// CHAOS_EFFECTS_FILE (intent, step, task, attempt, instance, time), so the suite can count steps whose
// effect happened twice and tell which delivery ran it again. It does every step of the chaos workflows.
import { defineAgent, runAgent } from '@agentos/agent-sdk';
import { appendFileSync } from 'node:fs';
import { DECLINED_ABOVE } from './workflows';

const effects = process.env.CHAOS_EFFECTS_FILE;
if (!effects) throw new Error('CHAOS_EFFECTS_FILE is required');

const worker = defineAgent<Record<string, unknown>, Record<string, unknown>>({
  name: 'chaos-worker',
  version: '1.0.0',
  owner: 'chaos',
  capabilities: ['chaos'],
  concurrency: 32,
  async handle(input, ctx) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    // The compensation example's charge, declined on purpose (before any effect, as a real decline would be).
    if (typeof input.amount === 'number' && input.amount > DECLINED_ABOVE) throw new Error(`card declined for ${input.amount}`);
    const { intentId, stepId, taskId, attempt, instanceId } = ctx.task;
    appendFileSync(effects, `${JSON.stringify({ intentId, stepId, taskId, attempt, instanceId, at: new Date().toISOString() })}\n`);
    // Every field the example workflows' templates read from some step's output.
    return { ok: true, text: `findings ${stepId}`, topic: input.topic ?? stepId, summary: `summary ${stepId}`, words: 2, approved: true, notes: 'ok', chargeId: `ch-${intentId}` };
  },
});

runAgent(worker, { heartbeatMs: 1_000 }).then((agent) => {
  process.stdout.write(`${JSON.stringify({ event: 'service.started', instanceId: agent.instanceId })}\n`);
  process.once('SIGTERM', () => void agent.stop().then(() => process.exit(0)));
});
