import { createMessage, type ContentLabel, type MessageOf, type QueryType } from '@agentos/contracts';
import { memoryClient, type Ask } from './memory-client';

const provenance = (writtenBy: string) => ({ writtenBy, causationId: null, correlationId: 'c', writtenAt: '2026-12-03T00:00:00.000Z' });
const origin = { tenant: 'acme', actor: { kind: 'agent' as const, id: 'clerk@1.0.0' } };

/** A memory service that answers every read with one value and one note by `author`. */
const memoryService = (author: string): Ask =>
  (async (query: MessageOf<QueryType>) => {
    if (query.type === 'SearchNotes') return { hits: [{ noteId: '00000000-0000-4000-8000-000000000001', text: 'Quarterly figures are final.', score: 1, tags: [], provenance: provenance(author) }] };
    if (query.type === 'ListMemory') return { entries: [] };
    return { found: true, value: 42, revision: 1, provenance: provenance(author) };
  }) as Ask;

const client = (author: string) => {
  const labels: ContentLabel[] = [];
  const memory = memoryClient({
    ask: memoryService(author),
    compose: (type, payload) => createMessage(type, payload, origin),
    self: 'clerk@1.0.0',
    agentName: 'clerk',
    intentId: '00000000-0000-4000-8000-0000000000aa',
    screen: async (text) => text,
    label: (label) => labels.push(label),
    park: () => Promise.reject(new Error('no call is parked here')),
  });
  return { memory, labels };
};

describe('what memory reads add to a task\'s labels', () => {
  it('labels the agent\'s own scope as its own, any other scope as shared', async () => {
    const { memory, labels } = client('agent:clerk@1.0.0');
    await memory.get('k', { scope: 'agent' });
    await memory.get('k', { scope: 'tenant' });
    await memory.list('', { scope: 'workflow' });
    expect(labels).toEqual([
      { origin: 'own_memory', source: 'memory:agent/clerk' },
      { origin: 'shared_memory', source: 'memory:tenant/default' },
      { origin: 'shared_memory', source: 'memory:workflow/00000000-0000-4000-8000-0000000000aa' },
    ]);
  });

  it('labels notes by anyone else as another agent\'s note, and not the agent\'s own', async () => {
    const others = client('agent:researcher@1.0.0');
    await others.memory.context('figures', ['tenant']);
    expect(others.labels).toEqual([
      { origin: 'shared_memory', source: 'memory:tenant/default' },
      { origin: 'agent_note', source: 'tenant note by agent:researcher@1.0.0' },
    ]);
    const own = client('agent:clerk@1.0.0');
    await own.memory.context('figures', ['agent']);
    expect(own.labels).toEqual([{ origin: 'own_memory', source: 'memory:agent/clerk' }]);
  });
});
