import { defineAgent, openAiCompatibleModel, runAgent, type AgentDefinition, type RunningAgent } from '@agentos/agent-sdk';
import { subjectFilter, createMessage, decodeMessage, type MessageOf, type Envelope } from '@agentos/contracts';
import type { NatsConnector } from '@agentos/messaging';
import { workflowStream } from '@agentos/orchestration';
import { stateAt } from '@agentos/replay';
import { waitFor } from '@agentos/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { startSystem, type RunningSystem } from './system';

/** Uses a tool and the model through ctx, and reports progress: every call goes through policy. */
const analyst = defineAgent({
  name: 'analyst',
  version: '1.0.0',
  owner: 'test-team',
  capabilities: ['analyse'],
  input: z.object({ goal: z.string(), a: z.number(), b: z.number() }),
  tools: {
    calculator: {
      description: 'adds two numbers',
      input: z.object({ a: z.number(), b: z.number() }),
      run: async ({ a, b }: { a: number; b: number }) => ({ sum: a + b }),
    },
  },
  async handle({ a, b }, ctx) {
    await ctx.emit('adding', 20);
    const { sum } = await ctx.tools.call<{ sum: number }>('calculator', { a, b });
    const answer = await ctx.llm.complete({ messages: [{ role: 'user', content: `Explain why ${a} + ${b} = ${sum}` }] });
    return { sum, explanation: answer.text, model: answer.model };
  },
});

const ALLOW_CALCULATOR = `version: tools-1
rules:
  - { id: allow-intents, effect: allow, actions: [intent.submit], reason: test }
  - { id: allow-models, effect: allow, actions: [llm.call], reason: test }
  - { id: calculator, effect: allow, actions: [tool.call], resources: [calculator], reason: arithmetic is harmless }
`;

describe('agent SDK: tools and the model port through policy, progress, against a real nats-server', () => {
  let system: RunningSystem;
  let model: Server;
  let agent: RunningAgent;
  const requests: Array<{ auth?: string; body: { model: string; messages: Array<{ content: string }> } }> = [];

  beforeAll(async () => {
    // An OpenAI-compatible endpoint on loopback, as a self-hosted model server would be.
    model = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        requests.push({ auth: req.headers.authorization, body: JSON.parse(body) });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ model: 'tiny-1', choices: [{ message: { role: 'assistant', content: 'Because addition.' }, finish_reason: 'stop' }], usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 } }));
      });
    });
    await new Promise<void>((resolve) => model.listen(0, '127.0.0.1', resolve));
    system = await startSystem();
    const baseUrl = `http://127.0.0.1:${(model.address() as AddressInfo).port}/v1`;
    agent = await runAgent(analyst as AgentDefinition<never, unknown>, { nats: { servers: system.nats.url, name: 'analyst' }, instanceId: 'analyst-1', heartbeatMs: 250, model: openAiCompatibleModel({ baseUrl, model: 'tiny-1', apiKey: 'sk-test' }) });
    await waitFor(() => system.client.query(createMessage('FindAgents', { name: 'analyst' }, system.origin)), (r) => r.agents.length === 1);
  }, 60_000);

  afterAll(async () => {
    await agent.stop();
    await system.stop();
    model.close();
  });

  it('fails the task at once when policy denies the tool (no retry can help), without calling the model', async () => {
    const { events } = await system.submit('analyse', { a: 2, b: 3 });
    expect(events.at(-1)).toMatchObject({ type: 'IntentFailed', payload: { reason: 'task failed: tool.call calculator denied by policy (default: no rule allows tool.call on tool calculator)' } });
    expect(events.some((e) => e.type === 'StepRetryScheduled')).toBe(false);
    expect(requests).toHaveLength(0);
  });

  it('calls the allowed tool and the model, records the tokens spent and streams progress', async () => {
    await system.client.publishMessage(createMessage('PublishPolicyBundle', { yaml: ALLOW_CALCULATOR, source: 'tools.yaml' }, { tenant: 'system', actor: { kind: 'user', id: 'oncall' } }));
    await waitFor(() => system.client.query(createMessage('GetPolicyBundle', {}, system.origin)), (b) => b.version === 'tools-1');
    const nc = await system.client.unwrap<NatsConnector>().connection$();
    const progress: string[] = [];
    const watch = nc.subscribe(subjectFilter('TaskProgressed'), { callback: (_, msg) => {
      const parsed = decodeMessage(msg.data);
      if (parsed.ok && parsed.message.type === 'TaskProgressed') progress.push(`${parsed.message.payload.message} ${parsed.message.payload.percent}%`);
    } });
    const { intentId, events } = await system.submit('analyse', { a: 2, b: 3 });
    watch.unsubscribe();
    expect(events.at(-1)).toMatchObject({ type: 'IntentCompleted', payload: { output: { sum: 5, explanation: 'Because addition.', model: 'tiny-1' } } });
    expect(requests.at(-1)).toMatchObject({ auth: 'Bearer sk-test', body: { model: 'tiny-1', messages: [{ content: 'Explain why 2 + 3 = 5' }] } });
    expect(progress).toEqual(['adding 20%']);
    const isModelDecision = (e: Envelope) => e.type === 'PolicyDecided' && (e as MessageOf<'PolicyDecided'>).payload.action === 'llm.call';
    const recorded = await system.recorded(intentId, isModelDecision, "the agent's policy decisions recorded");
    const decisions = recorded.filter((e) => e.type === 'PolicyDecided').map((e) => (e as MessageOf<'PolicyDecided'>).payload);
    expect(decisions.map((d) => `${d.action}:${d.resource.name}:${d.effect}`)).toEqual(expect.arrayContaining(['tool.call:calculator:allow', 'llm.call:openai-compatible:tiny-1:allow']));
    const usage = await waitFor(
      async () => (await system.store.readStream(workflowStream(intentId))).map((r) => r.event).filter((e) => e.type === 'UsageRecorded') as MessageOf<'UsageRecorded'>[],
      (u) => u.length > 0,
      { what: 'the usage records' },
    );
    // The model's tokens, charged during the task; the step itself, charged with the completion; and the replay's sum of both.
    expect(usage.map((u) => u.payload)).toEqual([expect.objectContaining({ tokens: 9, steps: 0 })]);
    const completed = events.find((e) => e.type === 'TaskCompleted') as MessageOf<'TaskCompleted'>;
    expect(completed.payload.usage).toEqual({ tokens: 0, cost: 0, steps: 1 });
    expect(stateAt(await system.store.readStream(workflowStream(intentId)), new Date().toISOString()).spent).toEqual({ tokens: 9, cost: 0, steps: 1 });
  });
});
