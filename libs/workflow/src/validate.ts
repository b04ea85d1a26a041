import type { CompensationStep, WorkflowDefinition } from '@agentos/contracts';
import { ancestorsOf, findCycles } from './dependencies';
import type { WorkflowProblem } from './problems';
import { parseTemplate, stringsIn, type Reference } from './template';

/** Which step references a mapping may use, and whether `.error` is allowed. */
interface Scope {
  /** The step using the mapping, if any (`output` belongs to the workflow). */
  user?: string;
  /** Steps it may reference; undefined means every main step. */
  allowed?: Set<string>;
  errorsAllowed: boolean;
}

/**
 * The checks a schema cannot express: unique ids, needs that exist and form no cycle, mappings that
 * only read what is certainly there when the step runs, and declared compensations. It works on
 * the wire form so the orchestrator can re-check a definition it receives without the YAML.
 */
export function validateWorkflow(definition: WorkflowDefinition): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [...duplicateIds(definition)];
  const stepIds = new Set(definition.steps.map((step) => step.id));
  const compensationIds = new Set(definition.compensations.map((step) => step.id));
  definition.steps.forEach((step, index) => {
    const at = (...path: (string | number)[]): Pick<WorkflowProblem, 'path' | 'step'> => ({ path: ['steps', index, ...path], step: step.id });
    step.needs.forEach((need, k) => {
      if (need === step.id) problems.push({ ...at('needs', k), message: 'a step cannot need itself' });
      else if (compensationIds.has(need) && !stepIds.has(need)) problems.push({ ...at('needs', k), message: `"${need}" is a compensation, not a step: compensations only run when a step fails` });
      else if (!stepIds.has(need)) problems.push({ ...at('needs', k), message: `unknown step "${need}"` });
    });
    if (step.onFailure.kind === 'compensate' && !compensationIds.has(step.onFailure.step)) {
      problems.push({ ...at('onFailure'), message: `unknown compensation "${step.onFailure.step}"${compensationIds.size > 0 ? ` (declared: ${[...compensationIds].join(', ')})` : ': declare it under compensations'}` });
    }
    problems.push(...mappingProblems(step.input, at('input'), stepIds, { user: step.id, allowed: ancestorsOf(definition, step.id), errorsAllowed: false }));
  });
  for (const { step, cycle } of findCycles(definition)) {
    problems.push({ path: ['steps', definition.steps.findIndex((s) => s.id === step), 'needs'], step, message: `cycle ${cycle.join(' → ')}` });
  }
  definition.compensations.forEach((step, index) => {
    problems.push(...mappingProblems(step.input, { path: ['compensations', index, 'input'], step: step.id }, stepIds, { errorsAllowed: true }));
  });
  if (definition.output !== undefined) problems.push(...mappingProblems(definition.output, { path: ['output'] }, stepIds, { errorsAllowed: false }));
  return problems;
}

function duplicateIds(definition: WorkflowDefinition): WorkflowProblem[] {
  const firstAt = new Map<string, string>();
  const problems: WorkflowProblem[] = [];
  const check = (kind: 'steps' | 'compensations') => (step: Pick<CompensationStep, 'id'>, index: number) => {
    const first = firstAt.get(step.id);
    if (first !== undefined) problems.push({ path: [kind, index, 'id'], step: step.id, message: `duplicate id "${step.id}" (already used by ${first}): ids must be unique across steps and compensations` });
    else firstAt.set(step.id, `${kind}.${index}`);
  };
  definition.steps.forEach(check('steps'));
  definition.compensations.forEach(check('compensations'));
  return problems;
}

function mappingProblems(template: unknown, base: Pick<WorkflowProblem, 'path' | 'step'>, stepIds: Set<string>, scope: Scope): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  for (const { path, value } of stringsIn(template)) {
    const { parts, errors } = parseTemplate(value);
    const messages = [...errors, ...parts.flatMap((part) => (part.kind === 'reference' ? referenceProblem(part.reference, part.source, stepIds, scope) : []))];
    for (const message of messages) problems.push({ ...base, path: [...base.path, ...path], message });
  }
  return problems;
}

function referenceProblem(reference: Reference, source: string, stepIds: Set<string>, scope: Scope): string[] {
  if (reference.root === 'input') return [];
  if (!stepIds.has(reference.step)) return [`${source} refers to unknown step "${reference.step}"`];
  if (reference.part === 'error' && !scope.errorsAllowed) return [`${source}: a step's error can only be used in a compensation's input`];
  if (reference.step === scope.user) return [`${source} refers to the step itself`];
  if (scope.allowed !== undefined && !scope.allowed.has(reference.step)) {
    return [`${source} refers to step "${reference.step}", which "${scope.user}" does not depend on: add it to needs so that it has finished first`];
  }
  return [];
}
