import type { WorkflowDefinition } from '@agentos/contracts';
import { parseWorkflowDocument } from './parse';
import { describeProblem } from './problems';
import { unknownTargets } from './targets';
import { problemsOf, yaml } from './test-support';

const catalogue = [
  { name: 'researcher', version: '1.0.0', capabilities: ['research'] },
  { name: 'researcher', version: '1.1.0', capabilities: ['research', 'summarise'] },
  { name: 'refunder', version: '2.0.0', capabilities: ['refund'] },
];

/** One step per target line, then a compensation with the last line. */
const withTargets = (targets: string[], compensation: string): WorkflowDefinition =>
  parseWorkflowDocument(yaml('name: w', 'steps:', ...targets.flatMap((target, i) => [`  - id: s${i}`, `    ${target}`]), 'compensations:', '  - id: undo', `    ${compensation}`), 'w.yaml');

describe('unknownTargets', () => {
  it('given targets the catalogue covers, then there are no problems', () => {
    const definition = withTargets(['capability: research', 'agent: researcher', 'agent: researcher@1.1.0', 'capability: summarise', 'capability: summarise\n    agent: researcher@1.1.0'], 'capability: refund');
    expect(unknownTargets(definition, catalogue)).toEqual([]);
  });

  it('given a capability nobody offers, then the step and field are named', () => {
    const problems = unknownTargets(withTargets(['capability: reserch'], 'capability: refund'), catalogue);
    expect(problems).toEqual([{ path: ['steps', 0, 'capability'], step: 's0', message: 'no registered agent offers capability "reserch"' }]);
    expect(problems.map(describeProblem)).toEqual(['steps.0 (s0).capability: no registered agent offers capability "reserch"']);
  });

  it('given pinned agents that are not registered, by name or at that version, then each is named', () => {
    const problems = unknownTargets(withTargets(['agent: writer', 'agent: researcher@9.0.0'], 'agent: refunder@1.0.0'), catalogue);
    expect(problems.map(describeProblem)).toEqual([
      'steps.0 (s0).agent: no registered agent "writer"',
      'steps.1 (s1).agent: agent "researcher" is not registered at version 9.0.0 (registered: 1.0.0, 1.1.0)',
      'compensations.0 (undo).agent: agent "refunder" is not registered at version 1.0.0 (registered: 2.0.0)',
    ]);
  });

  it('given a pinned agent and a capability it does not offer, then the capability is refused', () => {
    const problems = unknownTargets(withTargets(['capability: summarise\n    agent: researcher@1.0.0', 'capability: refund\n    agent: researcher'], 'capability: refund'), catalogue);
    expect(problems.map(describeProblem)).toEqual([
      'steps.0 (s0).capability: agent "researcher@1.0.0" does not offer capability "summarise"',
      'steps.1 (s1).capability: agent "researcher" does not offer capability "refund"',
    ]);
  });

  it('given a catalogue to parseWorkflowDocument, then unknown targets are reported with their place', () => {
    expect(problemsOf(yaml('name: w', 'steps:', '  - id: a', '    capability: reserch'), { catalogue })).toEqual(['w.yaml:4:17 steps.0 (a).capability: no registered agent offers capability "reserch"']);
  });
});
