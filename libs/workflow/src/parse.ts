import { parseYamlDocument, type WorkflowDefinition } from '@agentos/contracts';
import { WorkflowDocument } from './document';
import { describePath } from './problems';
import { unknownTargets, type CatalogueEntry } from './targets';
import { validateWorkflow } from './validate';

export interface ParseWorkflowOptions {
  /** When given, steps that no catalogued agent can run are reported too, with their place. */
  catalogue?: CatalogueEntry[];
}

/**
 * Parses a workflow document (YAML or JSON) into its wire form. Throws a DocumentError listing
 * every problem with file:line:col: schema problems first; the semantic checks run once the
 * document has the right shape, since they need it.
 */
export function parseWorkflowDocument(text: string, source: string, options: ParseWorkflowOptions = {}): WorkflowDefinition {
  return parseYamlDocument(text, WorkflowDocument, source, {
    check: (definition) => [...validateWorkflow(definition), ...(options.catalogue ? unknownTargets(definition, options.catalogue) : [])],
    describePath: (path, raw) => describePath(path, stepIdAt(raw, path)),
  });
}

/** The id written on the step or compensation a path goes through, if it has a usable one. */
function stepIdAt(raw: unknown, [head, index]: (string | number)[]): string | undefined {
  if ((head !== 'steps' && head !== 'compensations') || typeof index !== 'number' || raw === null || typeof raw !== 'object') return undefined;
  const list = (raw as Record<string, unknown>)[head];
  const step = Array.isArray(list) ? (list[index] as unknown) : undefined;
  const id = step !== null && typeof step === 'object' ? (step as Record<string, unknown>).id : undefined;
  return typeof id === 'string' ? id : undefined;
}
