import { MAX_CONTENT_LABELS, mergeLabels, type ContentLabel } from './messages/labels';

describe('content labels', () => {
  it('merges label sets, each label once, in first-seen order', () => {
    const web: ContentLabel = { origin: 'tool_result', source: 'tool:web' };
    expect(mergeLabels([{ origin: 'user_input', source: 'input' }, web], undefined, [web, { origin: 'agent_note', source: 'n' }])).toEqual([
      { origin: 'user_input', source: 'input' },
      web,
      { origin: 'agent_note', source: 'n' },
    ]);
  });

  it('folds sources past the cap but never drops an origin', () => {
    const many = Array.from({ length: MAX_CONTENT_LABELS + 1 }, (_, i): ContentLabel => ({ origin: 'tool_result', source: `tool:t${i}` }));
    expect(mergeLabels([{ origin: 'user_input', source: 'input' }], many)).toEqual([
      { origin: 'user_input', source: '*' },
      { origin: 'tool_result', source: '*' },
    ]);
  });
});
