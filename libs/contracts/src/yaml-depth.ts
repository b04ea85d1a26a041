import { Parser, type CST } from 'yaml';

/** Deeper than any document AgentOS reads needs; far shallower than what overflows the YAML composer's recursion. */
export const MAX_DOCUMENT_DEPTH = 64;

export interface TooDeep {
  depth: number;
  /** Where the first collection beyond the limit starts. */
  offset: number;
}

/**
 * The first place a YAML (or JSON) text nests collections deeper than `limit`, found on the parser's syntax tree
 * with an explicit stack: the composer that turns text into values recurses once per level, and a document
 * nested a few thousand levels deep overflowed the stack ("Maximum call stack size exceeded", no file or line).
 */
export function tooDeep(text: string, limit = MAX_DOCUMENT_DEPTH): TooDeep | undefined {
  const pending: [CST.Token | undefined, number][] = [...new Parser().parse(text)].map((token) => [token, 0]);
  while (pending.length > 0) {
    const [token, depth] = pending.pop()!;
    if (!token) continue;
    if (token.type === 'document') pending.push([token.value, depth]);
    if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > limit) return { depth: depth + 1, offset: token.offset };
      for (const item of token.items) pending.push([item.key as CST.Token | undefined, depth + 1], [item.value, depth + 1]);
    }
  }
  return undefined;
}
