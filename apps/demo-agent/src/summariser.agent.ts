import { MemoryWriteRefusedError, defineAgent } from '@agentos/agent-sdk';
import { z } from 'zod';

/**
 * The demo agent: a deterministic extractive summariser (no model needed), so the demo and the
 * end-to-end test give the same answer every run.
 */
export const summariser = defineAgent({
  name: 'summariser',
  version: '1.0.0',
  owner: 'demo-team',
  capabilities: ['summarise'],
  concurrency: 4,
  input: z.object({ goal: z.string(), text: z.string().min(1, 'text to summarise is empty') }),
  async handle({ text }, ctx) {
    const sentences = text.split(/(?<=[.!?])\s+/).filter(Boolean);
    const words = text.split(/\s+/).filter(Boolean).length;
    const summary = sentences[0] ?? text;
    // Sharing the summary is a courtesy to later steps: if policy refuses it, the summary still stands.
    await ctx.memory.put('summary', { summary, words }).catch((error: Error) => {
      if (!(error instanceof MemoryWriteRefusedError)) throw error;
    });
    return { summary, words, sentences: sentences.length };
  },
});
