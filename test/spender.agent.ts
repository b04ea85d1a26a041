import { defineAgent } from '@agentos/agent-sdk';
import { z } from 'zod';

/** A test agent: reports the tokens it is told to spend (a thousand tokens cost 1), then works for `ms` (ignoring its signal). */
export const spender = defineAgent({
  name: 'spender',
  version: '1.0.0',
  owner: 'test-team',
  capabilities: ['spend'],
  concurrency: 4,
  input: z.object({ goal: z.string(), tokens: z.number().int().nonnegative(), ms: z.number().int().nonnegative() }),
  async handle({ tokens, ms }, ctx) {
    if (tokens > 0) await ctx.usage.record({ tokens, cost: tokens / 1000 });
    await new Promise((resolve) => setTimeout(resolve, ms).unref());
    return { spent: tokens };
  },
});
