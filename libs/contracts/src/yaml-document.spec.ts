import { z } from 'zod';
import { DocumentError, parseYamlDocument } from './yaml-document';

const Schema = z.object({ version: z.string(), rules: z.array(z.object({ id: z.string(), effect: z.enum(['allow', 'deny']) })) });

describe('parseYamlDocument', () => {
  it('returns the parsed document when it is valid', () => {
    expect(parseYamlDocument('version: v1\nrules:\n  - id: a\n    effect: allow\n', Schema, 'p.yaml')).toEqual({ version: 'v1', rules: [{ id: 'a', effect: 'allow' }] });
  });

  it('names the line and column of every offending field', () => {
    const text = 'version: v1\nrules:\n  - id: a\n    effect: maybe\n  - effect: deny\n';
    const error = (() => {
      try {
        parseYamlDocument(text, Schema, 'p.yaml');
      } catch (e) {
        return e as DocumentError;
      }
      throw new Error('expected a DocumentError');
    })();
    expect(error).toBeInstanceOf(DocumentError);
    expect(error.problems).toEqual([
      expect.stringMatching(/^p\.yaml:4:13 rules\.0\.effect: /),
      expect.stringMatching(/^p\.yaml:5:5 rules\.1\.id: /), // missing: points at its mapping
    ]);
  });

  it('reports YAML syntax errors with their place', () => {
    expect(() => parseYamlDocument('version: [v1\n', Schema, 'bad.yaml')).toThrow(/bad\.yaml:\d+:\d+ /);
  });
});
