/** What one `${…}` points at. `path` segments are object keys or, when numeric, array indexes. */
export type Reference = { root: 'input'; path: string[] } | { root: 'steps'; step: string; part: 'output'; path: string[] } | { root: 'steps'; step: string; part: 'error' };

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'reference'; reference: Reference; source: string };

export interface ParsedTemplate {
  parts: TemplatePart[];
  /** Malformed expressions, each a complete sentence naming the expression. */
  errors: string[];
}

const SEGMENTS = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;
const STEP_FORMS = '${steps.<id>.output}, ${steps.<id>.output.<path>} or ${steps.<id>.error}';

/**
 * Splits a string into literal text and `${…}` references. Only these references exist — nothing
 * is evaluated — so a workflow document cannot run code in the orchestrator.
 */
export function parseTemplate(value: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const errors: string[] = [];
  let rest = value;
  while (rest.length > 0) {
    const start = rest.indexOf('${');
    if (start < 0) break;
    if (start > 0) parts.push({ kind: 'text', text: rest.slice(0, start) });
    const end = rest.indexOf('}', start);
    if (end < 0) {
      errors.push(`${rest.slice(start)} is not closed: a "}" is missing`);
      return { parts, errors };
    }
    const source = rest.slice(start, end + 1);
    const parsed = parseReference(source, rest.slice(start + 2, end).trim());
    if (typeof parsed === 'string') errors.push(parsed);
    else parts.push({ kind: 'reference', reference: parsed, source });
    rest = rest.slice(end + 1);
  }
  if (rest.length > 0) parts.push({ kind: 'text', text: rest });
  return { parts, errors };
}

/** The reference, or why it is not one. */
function parseReference(source: string, body: string): Reference | string {
  if (body === '') return `${source} is empty: write a reference such as \${input.topic}`;
  if (!SEGMENTS.test(body)) return `${source} is not a reference: use dot-separated names such as \${input.topic} or \${steps.research.output.text}`;
  const [root, ...path] = body.split('.');
  if (root === 'input') return { root, path };
  if (root !== 'steps') return `${source} has unknown root "${root}": references start with input or steps`;
  const [step, part, ...rest] = path;
  if (step !== undefined && part === 'output') return { root, step, part, path: rest };
  if (step !== undefined && part === 'error' && rest.length === 0) return { root, step, part };
  return `${source} is not a step reference: use ${STEP_FORMS}`;
}

/** Every string inside a JSON value, with its path relative to that value. */
export function* stringsIn(value: unknown, path: (string | number)[] = []): Generator<{ path: (string | number)[]; value: string }> {
  if (typeof value === 'string') yield { path, value };
  else if (Array.isArray(value)) for (const [index, item] of value.entries()) yield* stringsIn(item, [...path, index]);
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) yield* stringsIn(item, [...path, key]);
}
