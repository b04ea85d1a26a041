import { DocumentError, MAX_DOCUMENT_CHARS } from '@agentos/contracts';
import { deepYaml, yamlBomb } from '@agentos/testing';
import { parsePolicyBundle } from './bundle';

const problemsOf = (yaml: string): string[] => {
  try {
    parsePolicyBundle(yaml, 'b.yaml');
  } catch (error) {
    if (error instanceof DocumentError) return error.problems;
    throw error;
  }
  throw new Error('expected the bundle to be rejected');
};

describe('policy bundle limits', () => {
  it('rejects a YAML bomb as a document problem naming the aliases, without expanding it', () => {
    expect(problemsOf(yamlBomb())).toEqual([expect.stringMatching(/^b\.yaml: .*alias.*more than 100 alias expansions/)]);
  });

  it.each([100, 5_000])('rejects a bundle nested %i levels deep, naming where and the limit', (levels) => {
    expect(problemsOf(deepYaml(levels))).toEqual([expect.stringMatching(/^b\.yaml:\d+:\d+ nested more than 64 levels deep \(a collection at depth 65 starts here\)$/)]);
  });

  it('rejects an oversize bundle naming its size', () => {
    const yaml = `version: big\nrules: []\n# ${'x'.repeat(MAX_DOCUMENT_CHARS)}\n`;
    expect(problemsOf(yaml)).toEqual([`b.yaml: ${yaml.length.toLocaleString('en-US')} characters; at most 262,144`]);
  });

  it('reads a bundle within the limits', () => {
    expect(parsePolicyBundle(deepYaml(63), 'b.yaml')).toMatchObject({ version: 'deep', rules: [] });
  });
});
