import { z } from 'zod';
import { DocumentError, parseYamlDocument } from './yaml-document';

const Anything = z.object({ input: z.unknown() });
const problemsOf = (text: string) => {
  try {
    parseYamlDocument(text, Anything, 'deep.yaml');
  } catch (error) {
    if (error instanceof DocumentError) return error.problems;
    throw error;
  }
  return [];
};

describe('a document nested too deep', () => {
  it('is refused at the line of the first collection beyond the limit, not with a stack overflow', () => {
    expect(problemsOf(`input:\n  x: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`)).toEqual(['deep.yaml:2:68 nested more than 64 levels deep (a collection at depth 65 starts here)']);
    const block = ['input:', ...Array.from({ length: 600 }, (_, level) => `${' '.repeat(level + 1)}k:`)].join('\n');
    expect(problemsOf(`${block} 1\n`)).toEqual(['deep.yaml:65:65 nested more than 64 levels deep (a collection at depth 65 starts here)']);
  });

  it('reads a document as deep as the limit', () => {
    const nested = `${'['.repeat(63)}1${']'.repeat(63)}`;
    expect(problemsOf(`input: ${nested}\n`)).toEqual([]);
  });
});
