import { ContentLabels } from '@agentos/contracts';
import { ContextLabels } from './context-labels';

describe('a task context\'s labels', () => {
  it('start with the run\'s input and the labels of the step outputs it was built from, then only grow', () => {
    const labels = new ContextLabels({ inputLabels: [{ origin: 'agent_output', source: 'step:read' }, { origin: 'tool_result', source: 'tool:web' }] });
    const before = labels.current();
    labels.add({ origin: 'tool_result', source: 'tool:web' });
    labels.add({ origin: 'agent_note', source: 'tenant note by agent:x' });
    expect(before).toEqual([
      { origin: 'user_input', source: 'input' },
      { origin: 'agent_output', source: 'step:read' },
      { origin: 'tool_result', source: 'tool:web' },
    ]);
    expect(labels.current()).toEqual([...before, { origin: 'agent_note', source: 'tenant note by agent:x' }]);
  });

  it('keep every label valid, whatever name the agent gives its source', () => {
    const labels = new ContextLabels({});
    labels.add({ origin: 'tool_result', source: 'x'.repeat(500) });
    labels.add({ origin: 'tool_result', source: '' });
    expect(ContentLabels.safeParse(labels.current()).success).toBe(true);
    expect(labels.current().map((l) => l.source.length)).toEqual([5, 200, 7]);
  });
});
