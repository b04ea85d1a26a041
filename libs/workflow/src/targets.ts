import type { WorkflowDefinition, WorkflowStep } from '@agentos/contracts';
import type { WorkflowProblem } from './problems';

export interface CatalogueEntry {
  name: string;
  version: string;
  capabilities: string[];
}

/**
 * Steps and compensations that no registered agent can run: a capability nobody offers, or a pinned
 * agent (at a version) that is not registered. Separate from validateWorkflow because the
 * catalogue changes while a definition does not. Paths use the written field names.
 */
export function unknownTargets(definition: WorkflowDefinition, catalogue: CatalogueEntry[]): WorkflowProblem[] {
  const check = (kind: 'steps' | 'compensations') => (step: Pick<WorkflowStep, 'id' | 'target'>, index: number) => targetProblems(step, catalogue).map((p) => ({ path: [kind, index, p.field], step: step.id, message: p.message }));
  return [...definition.steps.flatMap(check('steps')), ...definition.compensations.flatMap(check('compensations'))];
}

function targetProblems({ target }: Pick<WorkflowStep, 'target'>, catalogue: CatalogueEntry[]): { field: 'agent' | 'capability'; message: string }[] {
  // A wait step runs no agent.
  if (target === undefined) return [];
  let candidates = catalogue;
  if (target.agent !== undefined) {
    const { name, version } = target.agent;
    const named = catalogue.filter((entry) => entry.name === name);
    candidates = version === undefined ? named : named.filter((entry) => entry.version === version);
    if (named.length === 0) return [{ field: 'agent', message: `no registered agent "${name}"` }];
    if (candidates.length === 0) return [{ field: 'agent', message: `agent "${name}" is not registered at version ${version} (registered: ${named.map((entry) => entry.version).join(', ')})` }];
  }
  const { capability } = target;
  if (capability === undefined || candidates.some((entry) => entry.capabilities.includes(capability))) return [];
  if (target.agent === undefined) return [{ field: 'capability', message: `no registered agent offers capability "${capability}"` }];
  const agent = target.agent.version === undefined ? target.agent.name : `${target.agent.name}@${target.agent.version}`;
  return [{ field: 'capability', message: `agent "${agent}" does not offer capability "${capability}"` }];
}
