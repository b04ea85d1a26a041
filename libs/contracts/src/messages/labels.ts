import { z } from 'zod';

/**
 * Where a piece of what an agent read came from (information-flow control). `agent_output` and `model_output`
 * are derived: a label set that holds them also holds the labels of what they were derived from, so their own
 * origin says where the text passed, and the labels beside them say whether it can be trusted.
 */
export const LabelOrigin = z.enum(['user_input', 'tool_result', 'agent_output', 'agent_note', 'own_memory', 'shared_memory', 'model_output']);
export type LabelOrigin = z.infer<typeof LabelOrigin>;

/** One origin of a task's context: `source` names it (`tool:web-fetch`, `step:research`, `memory:tenant/default`). */
export const ContentLabel = z.object({
  origin: LabelOrigin,
  source: z.string().min(1).max(200),
});
export type ContentLabel = z.infer<typeof ContentLabel>;

/** A label set stays small: the SDK folds the sources of one origin into `*` past this many. */
export const MAX_CONTENT_LABELS = 64;

/**
 * The labels of a task's context, carried on policy checks, task reports and workflow steps. Optional on every
 * message (added in version 1 without a bump: a reader that predates it ignores the field, and a message without
 * it is read as unlabelled).
 */
export const ContentLabels = z.array(ContentLabel).max(MAX_CONTENT_LABELS);

/**
 * The union of label sets, each label once, in first-seen order. Past MAX_CONTENT_LABELS the sources of each
 * origin fold into one `*` label: the set loses detail, never an origin (so never a reason to distrust it).
 */
export function mergeLabels(...sets: readonly (readonly ContentLabel[] | undefined)[]): ContentLabel[] {
  const seen = new Map<string, ContentLabel>();
  for (const label of sets.flatMap((set) => set ?? [])) {
    const key = `${label.origin}\n${label.source}`;
    if (!seen.has(key)) seen.set(key, { origin: label.origin, source: label.source });
  }
  const merged = [...seen.values()];
  if (merged.length <= MAX_CONTENT_LABELS) return merged;
  return [...new Set(merged.map((l) => l.origin))].map((origin) => ({ origin, source: '*' }));
}
