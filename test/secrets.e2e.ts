import { defineAgent, runAgent, type AgentDefinition, type RunningAgent } from '@agentos/agent-sdk';
import { createMessage } from '@agentos/contracts';
import { finishedSpans, type NatsConnector } from '@agentos/messaging';
import { envSecretStore } from '@agentos/secrets';
import { waitFor } from '@agentos/testing';
import { Writable } from 'node:stream';
import pino from 'pino';
import { z } from 'zod';
import { startSystem, type RunningSystem } from './system';

const TOKEN = 'tok_9f8e7d6c5b4a39281706';
const seenByTool: string[] = [];

/** Reads a secret and (carelessly) puts it everywhere it can: the SDK must keep it out of all of them. */
const vaultUser = defineAgent({
  name: 'vault-user',
  version: '1.0.0',
  owner: 'test-team',
  capabilities: ['call-service'],
  input: z.object({ goal: z.string() }),
  tools: {
    http: {
      input: z.object({ token: z.string(), path: z.string() }),
      run: async ({ token, path }: { token: string; path: string }) => {
        seenByTool.push(token);
        return { status: 200, path };
      },
    },
  },
  async handle(_, ctx) {
    const token = await ctx.secrets.get('SERVICE_TOKEN');
    const response = await ctx.tools.call<{ status: number }>('http', { token, path: '/v1/things' });
    await ctx.emit(`called with ${token}`);
    await ctx.memory.put('last-call', { token, status: response.status });
    return { status: response.status, leaked: `the token is ${token}`, encoded: Buffer.from(token).toString('base64') };
  },
});

const ALLOW_SECRET = `version: secrets-1
rules:
  - { id: allow-intents, effect: allow, actions: [intent.submit], reason: test }
  - { id: allow-memory, effect: allow, actions: [memory.read, memory.write], reason: test }
  - { id: http-tool, effect: allow, actions: [tool.call], resources: [http], reason: test }
  - { id: vault-user-token, effect: allow, actions: [secret.read], agents: [vault-user], resources: [SERVICE_TOKEN], reason: the service token is for this agent only }
`;

describe('secrets: read through the SDK only when policy allows, never in events, logs or traces', () => {
  let system: RunningSystem;
  let agent: RunningAgent;
  const logLines: string[] = [];

  beforeAll(async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = '';
    system = await startSystem();
    const log = pino({ level: 'debug' }, new Writable({ write: (chunk, _, done) => (logLines.push(chunk.toString()), done()) }));
    agent = await runAgent(vaultUser as AgentDefinition<never, unknown>, { nats: { servers: system.nats.url, name: 'vault-user' }, instanceId: 'vault-1', heartbeatMs: 250, log, secrets: envSecretStore({ AGENTOS_SECRET_SERVICE_TOKEN: TOKEN }) });
    await waitFor(() => system.client.query(createMessage('FindAgents', { name: 'vault-user' }, system.origin)), (r) => r.agents.length === 1);
  }, 60_000);

  afterAll(async () => {
    await agent.stop();
    await system.stop();
  });

  it('refuses the secret while no rule allows secret.read, and the task fails for good', async () => {
    const { events } = await system.submit('call-service', {});
    expect(events.at(-1)).toMatchObject({ type: 'IntentFailed', payload: { reason: 'task failed: secret.read SERVICE_TOKEN denied by policy (default: no rule allows secret.read on secret SERVICE_TOKEN)' } });
    expect(seenByTool).toEqual([]);
  });

  it('hands the secret to the tool when allowed, and nothing stored, published, logged or traced contains it', async () => {
    await system.client.publishMessage(createMessage('PublishPolicyBundle', { yaml: ALLOW_SECRET, source: 'secrets.yaml' }, { tenant: 'system', actor: { kind: 'user', id: 'oncall' } }));
    await waitFor(() => system.client.query(createMessage('GetPolicyBundle', {}, system.origin)), (b) => b.version === 'secrets-1');
    const { intentId, events } = await system.submit('call-service', {});
    expect(events.at(-1)).toMatchObject({ type: 'IntentCompleted', payload: { output: { status: 200, leaked: 'the token is [REDACTED]', encoded: '[REDACTED]' } } });
    expect(seenByTool).toEqual([TOKEN]); // the tool got the real value
    const memory = await system.client.query(createMessage('GetMemory', { scope: 'workflow', scopeId: intentId, key: 'last-call' }, system.origin));
    expect(memory).toMatchObject({ found: true, value: { token: '[REDACTED]', status: 200 } });

    // Every message of every stream on the server (commands, events, tasks, dead letters, KV buckets,
    // the event store), byte for byte, plus the agent's log and the spans: no token, in clear or base64.
    const forms = [TOKEN, Buffer.from(TOKEN).toString('base64'), Buffer.from(TOKEN).toString('base64url')];
    const jsm = await system.client.unwrap<NatsConnector>().manager$();
    let scanned = 0;
    for await (const stream of jsm.streams.list()) {
      for (let seq = stream.state.first_seq; stream.state.messages > 0 && seq <= stream.state.last_seq; seq += 1) {
        const stored = await jsm.streams.getMessage(stream.config.name, { seq }).catch(() => undefined);
        if (!stored) continue;
        scanned += 1;
        const text = `${stored.subject} ${Buffer.from(stored.data).toString()} ${stored.header ? JSON.stringify([...stored.header.keys()].map((k) => stored.header.get(k))) : ''}`;
        for (const form of forms) expect([stream.config.name, seq, text.includes(form)]).toEqual([stream.config.name, seq, false]);
      }
    }
    expect(scanned).toBeGreaterThan(50);
    expect(logLines.length).toBeGreaterThan(0);
    for (const form of forms) expect(logLines.filter((line) => line.includes(form))).toEqual([]);
    const spans = JSON.stringify(finishedSpans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })));
    for (const form of forms) expect(spans.includes(form)).toBe(false);
  });
});
