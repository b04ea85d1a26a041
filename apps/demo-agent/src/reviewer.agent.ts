import { defineAgent } from '@agentos/agent-sdk';
import { z } from 'zod';

/** A mechanical reviewer: approves text that is long enough to be a real summary. */
export const reviewer = defineAgent({
  name: 'reviewer',
  version: '1.0.0',
  owner: 'demo-team',
  capabilities: ['review'],
  concurrency: 2,
  input: z.object({ text: z.string() }),
  async handle({ text }) {
    const words = text.split(/\s+/).filter(Boolean).length;
    const approved = words >= 5;
    return { approved, notes: approved ? `approved: ${words} words` : `too short to approve: ${words} words` };
  },
});
