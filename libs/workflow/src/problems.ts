/** A semantic problem in a workflow, at a path that exists both in the wire form and in the written document. */
export interface WorkflowProblem {
  path: (string | number)[];
  /** The id of the step or compensation concerned, when there is one. */
  step?: string;
  message: string;
}

/** `steps.1 (summarise).input.text`: the index finds it in the file, the id tells a person which one. */
export function describePath(path: (string | number)[], step?: string): string {
  const [head, index, ...rest] = path;
  if (step !== undefined && (head === 'steps' || head === 'compensations') && typeof index === 'number') return [`${head}.${index} (${step})`, ...rest].join('.');
  return path.join('.') || '(workflow)';
}

export const describeProblem = (problem: WorkflowProblem): string => `${describePath(problem.path, problem.step)}: ${problem.message}`;
