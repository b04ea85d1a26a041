import { parseTemplate, stringsIn, type Reference } from './template';

export interface TemplateContext {
  input: Record<string, unknown>;
  steps: Record<string, { output?: unknown; error?: string }>;
}

/**
 * Deep-resolves `${…}` references in a JSON template. A string that is exactly one reference
 * becomes the referenced value itself (so objects and numbers keep their type); references inside
 * longer strings are interpolated. Missing values resolve to null. Pure: the orchestrator's
 * decider calls it and must get the same result on replay.
 */
export function resolveTemplate(template: unknown, context: TemplateContext): unknown {
  if (typeof template === 'string') return resolveString(template, context);
  if (Array.isArray(template)) return template.map((item) => resolveTemplate(item, context));
  if (template !== null && typeof template === 'object') return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, resolveTemplate(value, context)]));
  return template;
}

function resolveString(value: string, context: TemplateContext): unknown {
  const { parts, errors } = parseTemplate(value);
  // Validated definitions never get here with a malformed expression; guessing would hide a bug.
  if (errors.length > 0) throw new Error(`cannot resolve "${value}": ${errors.join('; ')}`);
  const [only] = parts;
  if (parts.length === 1 && only.kind === 'reference') return lookup(only.reference, context);
  return parts.map((part) => (part.kind === 'text' ? part.text : interpolated(lookup(part.reference, context)))).join('');
}

function interpolated(value: unknown): string {
  if (value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function lookup(reference: Reference, context: TemplateContext): unknown {
  if (reference.root === 'input') return at(context.input, reference.path);
  const step = own(context.steps, reference.step) as { output?: unknown; error?: string } | undefined;
  if (reference.part === 'error') return step?.error ?? null;
  return at(step?.output, reference.path);
}

function at(value: unknown, path: string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (Array.isArray(current)) current = /^\d+$/.test(segment) ? current[Number(segment)] : undefined;
    else if (current !== null && typeof current === 'object') current = own(current, segment);
    else current = undefined;
  }
  return current ?? null;
}

/** Own properties only, so `${input.constructor}` cannot reach the prototype. */
const own = (object: object, key: string): unknown => (Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined);

/** The steps whose output or error a template refers to: where a step's input comes from. */
export function referencedSteps(template: unknown): string[] {
  const steps = new Set<string>();
  for (const { value } of stringsIn(template)) {
    for (const part of parseTemplate(value).parts) if (part.kind === 'reference' && part.reference.root === 'steps') steps.add(part.reference.step);
  }
  return [...steps];
}
