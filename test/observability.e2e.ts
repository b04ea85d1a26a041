import { subjectOf, createMessage, newId } from '@agentos/contracts';
import type { NatsConnector } from '@agentos/messaging';
import type { LineageGraph } from '@agentos/replay';
import { waitFor } from '@agentos/testing';
import { ObservabilityHttp } from '../apps/observability/src/http.server';
import { observabilityTokens } from './observability-tokens';
import { startSystem, type RunningSystem } from './system';

describe('observability: metrics and lineage from the event flow, against a real nats-server', () => {
  let system: RunningSystem;
  let base: string;
  const { env, tokens } = observabilityTokens([{ name: 'ops', tenant: 'system', role: 'auditor' }]);
  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${tokens.ops}` } });
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };

  beforeAll(async () => {
    system = await startSystem([], { env });
    base = `http://127.0.0.1:${system.service('observability').get(ObservabilityHttp).port}`;
  });

  afterAll(async () => {
    await system.stop();
  });

  it('counts a known workload exactly, in Prometheus text and as JSON', async () => {
    const outcomes = [];
    for (const text of ['One.', 'Two. Three.', 'Four.']) outcomes.push((await system.submit('summarise', { text })).events.at(-1)?.type);
    outcomes.push((await system.submit('delete-files', {})).events.at(-1)?.type);
    outcomes.push((await system.submit('translate', {})).events.at(-1)?.type);
    expect(outcomes).toEqual(['IntentCompleted', 'IntentCompleted', 'IntentCompleted', 'IntentRejected', 'IntentFailed']);
    const nc = await system.client.unwrap<NatsConnector>().connection$();
    const valid = createMessage('SubmitIntent', { intentId: newId(), goal: 'g', capability: 'summarise' }, system.origin);
    const bad = { ...valid, payload: { goal: 42 } };
    nc.publish(subjectOf(valid), Buffer.from(JSON.stringify(bad)));

    const json = await waitFor(
      async () => JSON.parse((await get('/api/metrics')).text) as { intents: Record<string, number>; deadLetters: Record<string, number>; intentLatencyMs: { count: number } },
      (m) => m.intents.completed === 3 && m.intents.failed === 1 && m.intents.rejected === 2 && m.deadLetters['invalid-message'] === 1,
      { what: 'the workload to be counted' },
    );
    // Rejected twice: by policy, and the malformed command (never submitted), whose sender is told why (IntentRejected).
    expect(json.intents).toEqual({ submitted: 5, completed: 3, rejected: 2, failed: 1 });
    expect(json.intentLatencyMs.count).toBe(3);

    const prometheus = await get('/metrics');
    expect(prometheus.type).toMatch(/^text\/plain/);
    for (const line of [
      'agentos_intents_total{outcome="completed"} 3',
      'agentos_intents_total{outcome="rejected"} 2',
      'agentos_tasks_total{agent="summariser@1.0.0",outcome="completed"} 3',
      'agentos_policy_denials_total{rule="deny-destructive-capabilities",action="intent.submit"} 1',
      'agentos_dead_letters_total{reason="invalid-message",service="orchestrator"} 1',
      'agentos_intent_completion_seconds_count 3',
      'agentos_usage_total{metric="steps",tenant="acme"} 3',
      'agentos_scheduler_tasks{state="queued"} 0',
      'agentos_scheduler_tasks{state="in_flight"} 0',
    ]) {
      expect(prometheus.text).toContain(line);
    }
  });

  it('serves the lineage of a workflow: intent, policy, task, agent decision and memory, linked by causation', async () => {
    const { intentId, command } = await system.submit('summarise', { text: 'Lineage matters.' });
    const graph = await waitFor(
      async () => JSON.parse((await get(`/api/workflows/${intentId}/lineage`)).text) as LineageGraph,
      (g) => g.nodes.some((n) => n.type === 'MemoryWritten'),
      { what: 'the memory write to be recorded' },
    );
    const byType = (type: string) => graph.nodes.find((n) => n.type === type)!;
    const linked = (from: string, to: string) => graph.edges.some((e) => e.from === byType(from).id && e.to === byType(to).id);
    expect(byType('SubmitIntent')).toMatchObject({ id: command.id, kind: 'command', by: 'user:alice' });
    expect(linked('SubmitIntent', 'IntentSubmitted')).toBe(true);
    expect(linked('PolicyCheckRequested', 'PolicyDecided')).toBe(true);
    expect(linked('PolicyDecided', 'TaskQueued')).toBe(true);
    // The scheduler's choice is a recorded command between the queuing and the assignment.
    expect(linked('TaskQueued', 'AssignTask')).toBe(true);
    expect(linked('AssignTask', 'TaskAssigned')).toBe(true);
    expect(linked('TaskAssigned', 'TaskCompleted')).toBe(true);
    expect(linked('TaskAssigned', 'MemoryWritten')).toBe(true);
    expect(linked('TaskCompleted', 'IntentCompleted')).toBe(true);
    expect(byType('TaskCompleted')).toMatchObject({ kind: 'agent-decision', by: 'agent:summariser@1.0.0' });
    expect((await get('/api/workflows/00000000-0000-4000-8000-000000000000/lineage')).status).toBe(404);
  });
});
