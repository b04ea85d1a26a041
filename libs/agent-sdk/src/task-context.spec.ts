import { createMessage, newId, type AnyMessage, type MessageOf, type ReplyOf } from '@agentos/contracts';
import { CallRecorder } from './call-record';
import { ContextLabels } from './context-labels';
import type { AgentDefinition } from './define-agent';
import { taskContext } from './task-context';

const actor = { kind: 'agent' as const, id: 'reader@1.0.0' };
const assigned = () =>
  createMessage('TaskAssigned', { taskId: newId(), intentId: newId(), agent: 'reader', agentVersion: '1.0.0', instanceId: 'reader-1', capability: 'read', input: {} }, { tenant: 'acme', actor: { kind: 'service', id: 'orchestrator' } });

/** The ids of the screening questions one delivery of a task asks when its code screens two tool results. */
async function screeningIds(task: MessageOf<'TaskAssigned'>): Promise<string[]> {
  const asked: string[] = [];
  const publisher = {
    request: async (query: AnyMessage) => {
      asked.push(query.id);
      const text = (query as MessageOf<'ScreenContent'>).payload.text;
      return { flagged: false, score: 0, categories: [], action: 'pass', text, bundleVersion: 'v1', detectors: [] } satisfies ReplyOf<'ScreenContent'>;
    },
    publish: async () => undefined,
  };
  const labels = new ContextLabels(task.payload);
  const ctx = taskContext({
    task,
    agent: { name: 'reader', version: '1.0.0' } as AgentDefinition<never, unknown>,
    instanceId: 'reader-1',
    actor,
    publisher: publisher as never,
    secrets: {} as never,
    redactor: {} as never,
    model: {} as never,
    signal: new AbortController().signal,
    recorder: new CallRecorder(() => labels.current()),
    labels,
  });
  await ctx.screen('first page', 'tool:fetch');
  await ctx.screen('second page', 'tool:fetch');
  return asked;
}

describe('the questions a task context asks', () => {
  it('given a task delivered twice, when its code screens the same results, then it asks the same questions (a flag is recorded once)', async () => {
    const task = assigned();
    const first = await screeningIds(task);
    expect(first).toHaveLength(2);
    expect(new Set(first).size).toBe(2);
    expect(await screeningIds(task)).toEqual(first);
  });

  it('given another task, then its questions are its own', async () => {
    const [one, other] = [await screeningIds(assigned()), await screeningIds(assigned())];
    expect(one.filter((id) => other.includes(id))).toEqual([]);
  });
});
