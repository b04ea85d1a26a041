import { defineAgent } from '@agentos/agent-sdk';
import { z } from 'zod';

/** Pretends to send a message: it reports progress and echoes what it would have sent. */
export const notifier = defineAgent({
  name: 'notifier',
  version: '1.0.0',
  owner: 'demo-team',
  capabilities: ['notify'],
  concurrency: 4,
  input: z.object({ message: z.string().min(1) }),
  async handle({ message }, ctx) {
    await ctx.emit(`sending ${message.length} characters`);
    return { sent: true, message };
  },
});
