import { defineAgent } from '@agentos/agent-sdk';
import { z } from 'zod';

/** Asks the model about a topic; with the default local model the findings are deterministic. */
export const researcher = defineAgent({
  name: 'researcher',
  version: '1.0.0',
  owner: 'demo-team',
  capabilities: ['research'],
  concurrency: 4,
  input: z.object({ topic: z.string().min(1, 'topic is empty') }),
  async handle({ topic }, ctx) {
    await ctx.emit(`researching ${topic}`, 10);
    const completion = await ctx.llm.complete({
      messages: [
        { role: 'system', content: 'You are a careful research assistant. Answer with three findings.' },
        { role: 'user', content: `Research the current state of ${topic}: key developments, open problems and leading approaches.` },
      ],
      maxTokens: 200,
    });
    const findings = completion.text.split(/\n+|(?<=\.)\s+(?=Finding)/).map((line) => line.trim()).filter(Boolean);
    await ctx.emit(`found ${findings.length} findings`, 90);
    return { topic, text: `${topic}: ${completion.text}`, findings };
  },
});
