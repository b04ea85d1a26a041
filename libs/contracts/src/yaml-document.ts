import { LineCounter, isNode, parseDocument } from 'yaml';
import type { z } from 'zod';

export class DocumentError extends Error {
  constructor(readonly source: string, readonly problems: string[]) {
    super(`${source} is invalid:\n  ${problems.join('\n  ')}`);
    this.name = 'DocumentError';
  }
}

/**
 * Parses a YAML (or JSON) document against a schema. Every problem is reported with the line and
 * column of the offending node, e.g. `policy.yaml:7:13 rules.1.effect: Invalid option: ...`.
 */
export function parseYamlDocument<S extends z.ZodType>(text: string, schema: S, source: string): z.output<S> {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${source}:${line}:${col}`;
  };
  if (document.errors.length > 0) throw new DocumentError(source, document.errors.map((e) => `${at(e.pos[0])} ${e.message.split('\n')[0]}`));
  const parsed = schema.safeParse(document.toJS());
  if (parsed.success) return parsed.data;
  throw new DocumentError(
    source,
    parsed.error.issues.map((issue) => {
      // The deepest node that exists along the path: a missing field points at its parent.
      let path = issue.path as (string | number)[];
      let node = document.getIn(path, true);
      while (!isNode(node) && path.length > 0) {
        path = path.slice(0, -1);
        node = path.length > 0 ? document.getIn(path, true) : document.contents;
      }
      const offset = isNode(node) && node.range ? node.range[0] : 0;
      return `${at(offset)} ${issue.path.join('.') || '(document)'}: ${issue.message}`;
    }),
  );
}
