import { resolveTemplate, type TemplateContext } from './resolve';

const context: TemplateContext = {
  input: { topic: 'fusion', count: 3, tags: ['a', 'b'], nested: { deep: { value: true } }, nothing: null },
  steps: {
    research: { output: { text: 'Fusion is hard.', findings: ['plasma', 'tritium'], meta: { words: 3 } } },
    failed: { error: 'card declined' },
    silent: {},
  },
};
const resolve = (template: unknown) => resolveTemplate(template, context);

describe('resolveTemplate', () => {
  describe('a string that is exactly one reference becomes the raw value', () => {
    it.each([
      ['${input.topic}', 'fusion'],
      ['${input.count}', 3],
      ['${input.tags}', ['a', 'b']],
      ['${input.nested.deep}', { value: true }],
      ['${steps.research.output}', context.steps.research.output],
      ['${steps.research.output.findings.1}', 'tritium'],
      ['${steps.research.output.meta.words}', 3],
      ['${steps.failed.error}', 'card declined'],
      ['${ input.topic }', 'fusion'],
    ])('given %s, then %p', (template, expected) => {
      expect(resolve(template)).toEqual(expected);
    });
  });

  describe('a missing value resolves to null', () => {
    it.each([
      '${input.absent}',
      '${input.topic.length}',
      '${input.tags.5}',
      '${input.tags.first}',
      '${input.nothing}',
      '${input.constructor}',
      '${steps.silent.output}',
      '${steps.silent.error}',
      '${steps.notrun.output.text}',
      '${steps.research.error}',
    ])('given %s, then null', (template) => {
      expect(resolve(template)).toBeNull();
    });
  });

  describe('references inside a longer string are interpolated', () => {
    it.each([
      ['About ${input.topic}!', 'About fusion!'],
      ['${input.count} items', '3 items'],
      ['tags: ${input.tags}', 'tags: ["a","b"]'],
      ['deep: ${input.nested.deep}', 'deep: {"value":true}'],
      ['[${input.absent}] [${input.nothing}]', '[] []'],
      ['${input.topic}${input.count}', 'fusion3'],
      [' ${input.count}', ' 3'],
      ['no references, just } and $ signs', 'no references, just } and $ signs'],
    ])('given %p, then %p', (template, expected) => {
      expect(resolve(template)).toBe(expected);
    });
  });

  it('given nested objects and arrays, then every string in them is resolved and everything else kept', () => {
    const template = { title: 'On ${input.topic}', items: ['${input.count}', { finding: '${steps.research.output.findings.0}' }, 7, true, null], keep: { '${input.topic}': 'keys are not templates' } };
    expect(resolve(template)).toEqual({ title: 'On fusion', items: [3, { finding: 'plasma' }, 7, true, null], keep: { '${input.topic}': 'keys are not templates' } });
    expect(template.items[0]).toBe('${input.count}');
  });

  it('given a malformed expression (which validation would have refused), then it throws rather than guess', () => {
    expect(() => resolve({ a: 'About ${input.topic' })).toThrow('cannot resolve "About ${input.topic": ${input.topic is not closed: a "}" is missing');
  });
});
