import type { WorkflowStep } from '@agentos/contracts';

/** Only ids and needs matter, so callers (and tests) may pass any definition-like value. */
type Steps = { steps: readonly Pick<WorkflowStep, 'id' | 'needs'>[] };

/** Every step `stepId` needs, directly or through other steps. Unknown names and cycles are tolerated. */
export function ancestorsOf(definition: Steps, stepId: string): Set<string> {
  const needsOf = needsById(definition);
  const ancestors = new Set<string>();
  const pending = [...(needsOf.get(stepId) ?? [])];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (ancestors.has(next) || !needsOf.has(next)) continue;
    ancestors.add(next);
    pending.push(...(needsOf.get(next) ?? []));
  }
  return ancestors;
}

/** Every step that needs `stepId`, directly or through other steps, in document order. */
export function dependentsOf(definition: Steps, stepId: string): string[] {
  return definition.steps.filter((step) => step.id !== stepId && ancestorsOf(definition, step.id).has(stepId)).map((step) => step.id);
}

/**
 * The dependency cycles, each found where its closing `needs` edge is, e.g. `['c', 'a', 'b', 'c']`
 * for step c (which needs a, which needs b, which needs c). A step needing itself is left to the
 * caller, which reports it more plainly.
 */
export function findCycles(definition: Steps): { step: string; cycle: string[] }[] {
  const needsOf = needsById(definition);
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const cycles: { step: string; cycle: string[] }[] = [];
  const visit = (id: string) => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const need of needsOf.get(id) ?? []) {
      if (need === id || !needsOf.has(need)) continue;
      if (state.get(need) === 'visiting') cycles.push({ step: id, cycle: [id, ...stack.slice(stack.indexOf(need), -1), id] });
      else if (state.get(need) === undefined) visit(need);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of needsOf.keys()) if (state.get(id) === undefined) visit(id);
  return cycles;
}

/** The first step with an id wins: later duplicates are reported by validateWorkflow, not followed. */
function needsById(definition: Steps): Map<string, readonly string[]> {
  const needsOf = new Map<string, readonly string[]>();
  for (const step of definition.steps) if (!needsOf.has(step.id)) needsOf.set(step.id, step.needs);
  return needsOf;
}
