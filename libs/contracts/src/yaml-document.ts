import { LineCounter, isMap, isNode, isScalar, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { describeDepth, formatCount, jsonDepth } from './limits';
import { MAX_DOCUMENT_DEPTH, tooDeep } from './yaml-depth';

/** Policy bundles and workflow definitions are a few kilobytes; a larger document is a mistake or an attack. */
export const MAX_DOCUMENT_CHARS = 256 * 1024;
/**
 * Alias expansions allowed while reading (yaml's `maxAliasCount`): a "billion laughs" document
 * expands a few aliases into millions of nodes.
 */
export const MAX_DOCUMENT_ALIASES = 100;

export class DocumentError extends Error {
  constructor(readonly source: string, readonly problems: string[]) {
    super(`${source} is invalid:\n  ${problems.join('\n  ')}`);
    this.name = 'DocumentError';
  }
}

/** A problem a semantic check found in the parsed value, at a path that also exists in the document. */
export interface DocumentProblem {
  path: (string | number)[];
  message: string;
}

export interface YamlDocumentOptions<T> {
  /** Checks what the schema cannot (cross-references, cycles…); runs only once the schema accepts the document. */
  check?: (value: T) => DocumentProblem[];
  /** How a path is shown before its message (default `a.0.b`), given the document as plain data. */
  describePath?: (path: (string | number)[], raw: unknown) => string;
}

/**
 * Parses a YAML (or JSON) document against a schema. Every problem is reported with the line and
 * column of the offending node, e.g. `policy.yaml:7:13 rules.1.effect: Invalid option: ...`.
 */
export function parseYamlDocument<S extends z.ZodType>(text: string, schema: S, source: string, options: YamlDocumentOptions<z.output<S>> = {}): z.output<S> {
  if (text.length > MAX_DOCUMENT_CHARS) throw new DocumentError(source, [`${source}: ${formatCount(text.length)} characters; at most ${formatCount(MAX_DOCUMENT_CHARS)}`]);
  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${source}:${line}:${col}`;
  };
  const deep = tooDeep(text);
  if (deep) {
    // The parser that fills the line counter is not run on such a text: its line starts are counted here.
    lineCounter.addNewLine(0);
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', newline + 1)) lineCounter.addNewLine(newline + 1);
    throw new DocumentError(source, [`${at(deep.offset)} nested more than ${MAX_DOCUMENT_DEPTH} levels deep (a collection at depth ${deep.depth} starts here)`]);
  }
  const { document, raw } = read(text, source, lineCounter);
  if (document.errors.length > 0) throw new DocumentError(source, document.errors.map((e) => `${at(e.pos[0])} ${e.message.split('\n')[0]}`));
  const depth = jsonDepth(raw);
  if (depth > MAX_DOCUMENT_DEPTH) throw new DocumentError(source, [`${source}: ${describeDepth(depth, MAX_DOCUMENT_DEPTH)}`]);
  const describe = (path: (string | number)[]) => (options.describePath ? options.describePath(path, raw) : path.join('.')) || '(document)';
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new DocumentError(
      source,
      parsed.error.issues.map((issue) => {
        const path = issue.path as (string | number)[];
        // An unknown key is best shown where it is written, not at the start of its mapping.
        const offset = issue.code === 'unrecognized_keys' ? keyOffset(document, path, issue.keys[0]) ?? nodeOffset(document, path) : nodeOffset(document, path);
        return `${at(offset)} ${describe(path)}: ${issue.message}`;
      }),
    );
  }
  const problems = options.check?.(parsed.data) ?? [];
  if (problems.length > 0) throw new DocumentError(source, problems.map((p) => `${at(nodeOffset(document, p.path))} ${describe(p.path)}: ${p.message}`));
  return parsed.data;
}

/**
 * Reads the document, turning what exhausts the reader into problems with the document: too many
 * aliases (yaml throws a ReferenceError), or nesting deep enough to overflow its recursion.
 */
function read(text: string, source: string, lineCounter: LineCounter): { document: Document; raw: unknown } {
  try {
    const document = parseDocument(text, { lineCounter, prettyErrors: false });
    return { document, raw: document.errors.length > 0 ? undefined : document.toJS({ maxAliasCount: MAX_DOCUMENT_ALIASES }) };
  } catch (error) {
    if (error instanceof RangeError) throw new DocumentError(source, [`${source}: nested too deeply to read; at most ${MAX_DOCUMENT_DEPTH} levels`]);
    if (error instanceof ReferenceError) throw new DocumentError(source, [`${source}: ${error.message} (more than ${MAX_DOCUMENT_ALIASES} alias expansions)`]);
    throw error;
  }
}

/** The start of the deepest node that exists along the path: a missing field points at its parent. */
function nodeOffset(document: Document, fullPath: (string | number)[]): number {
  let path = fullPath;
  let node = path.length > 0 ? document.getIn(path, true) : document.contents;
  while (!isNode(node) && path.length > 0) {
    path = path.slice(0, -1);
    node = path.length > 0 ? document.getIn(path, true) : document.contents;
  }
  return isNode(node) && node.range ? node.range[0] : 0;
}

function keyOffset(document: Document, path: (string | number)[], key: string | undefined): number | undefined {
  const map = path.length > 0 ? document.getIn(path, true) : document.contents;
  if (!isMap(map) || key === undefined) return undefined;
  const pair = map.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === key);
  return isNode(pair?.key) ? pair.key.range?.[0] : undefined;
}
