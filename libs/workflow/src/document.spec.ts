import { WorkflowDefinition } from '@agentos/contracts';
import { parseWorkflowDocument } from './parse';
import { problemsOf, yaml } from './test-support';

const DEFAULT_RETRIES = { max: 0, initialBackoffMs: 1_000, maxBackoffMs: 30_000 };
const oneStep = (...fields: string[]) => yaml('name: w', 'steps:', '  - id: a', ...fields.map((field) => `    ${field}`));
const firstStep = (...fields: string[]) => parseWorkflowDocument(oneStep(...fields), 'w.yaml').steps[0];

describe('normalising a workflow document', () => {
  it('given only the required fields, then every default is filled in', () => {
    const definition = parseWorkflowDocument(oneStep('capability: research'), 'w.yaml');
    expect(definition).toEqual({
      name: 'w',
      priority: 'normal',
      steps: [{ id: 'a', target: { capability: 'research' }, input: {}, timeoutMs: 60_000, retries: DEFAULT_RETRIES, needs: [], onFailure: { kind: 'fail' } }],
      compensations: [],
    });
    expect(WorkflowDefinition.parse(definition)).toEqual(definition);
  });

  it('given every field, then each is carried into the wire form', () => {
    const text = yaml(
      'name: full',
      'description: all of it',
      'priority: high',
      'steps:',
      '  - id: a',
      '    capability: research',
      '    input: { topic: quantum, depth: 2 }',
      '    timeout: 90s',
      '    retries: 3',
      '  - id: b',
      '    needs: [a]',
      '    agent: summariser@1.2.0',
      '    onFailure: { compensate: undo }',
      'compensations:',
      '  - id: undo',
      '    agent: janitor',
      '    timeout: 500',
      'output:',
      '  result: ${steps.b.output}',
    );
    expect(parseWorkflowDocument(text, 'w.yaml')).toEqual({
      name: 'full',
      description: 'all of it',
      priority: 'high',
      steps: [
        { id: 'a', target: { capability: 'research' }, input: { topic: 'quantum', depth: 2 }, timeoutMs: 90_000, retries: { ...DEFAULT_RETRIES, max: 3 }, needs: [], onFailure: { kind: 'fail' } },
        { id: 'b', target: { agent: { name: 'summariser', version: '1.2.0' } }, input: {}, timeoutMs: 60_000, retries: DEFAULT_RETRIES, needs: ['a'], onFailure: { kind: 'compensate', step: 'undo' } },
      ],
      compensations: [{ id: 'undo', target: { agent: { name: 'janitor' } }, input: {}, timeoutMs: 500, retries: DEFAULT_RETRIES }],
      output: { result: '${steps.b.output}' },
    });
  });

  it('given the same workflow as JSON, then it is read the same way', () => {
    const json = JSON.stringify({ name: 'w', steps: [{ id: 'a', capability: 'research', timeout: '2m' }] });
    expect(parseWorkflowDocument(json, 'w.json').steps[0]).toMatchObject({ id: 'a', timeoutMs: 120_000 });
  });

  describe('durations', () => {
    it.each([
      ['500ms', 500],
      ['30s', 30_000],
      ['2m', 120_000],
      ['1h', 3_600_000],
      ['2500', 2_500],
    ])('given timeout: %s, then timeoutMs is %p', (written, ms) => {
      expect(firstStep('capability: x', `timeout: ${written}`).timeoutMs).toBe(ms);
    });

    it('given a malformed timeout, then the error points at it', () => {
      expect(problemsOf(oneStep('capability: x', 'timeout: soon'))).toEqual([
        'w.yaml:5:14 steps.0 (a).timeout: invalid duration "soon": write a number followed by ms, s, m or h (e.g. 500ms, 30s, 2m, 1h), or whole milliseconds',
      ]);
    });

    it('given a zero or over-long timeout, then it is refused', () => {
      expect(problemsOf(oneStep('capability: x', 'timeout: 0'))).toEqual(['w.yaml:5:14 steps.0 (a).timeout: a timeout must be more than 0 and at most 24h']);
      expect(problemsOf(oneStep('capability: x', 'timeout: 25h'))).toEqual(['w.yaml:5:14 steps.0 (a).timeout: a timeout must be more than 0 and at most 24h']);
    });
  });

  describe('retries', () => {
    it('given a number, then it is the maximum and the backoffs are the defaults', () => {
      expect(firstStep('capability: x', 'retries: 2').retries).toEqual({ max: 2, initialBackoffMs: 1_000, maxBackoffMs: 30_000 });
    });

    it('given the full form, then every field is converted', () => {
      expect(firstStep('capability: x', 'retries: { max: 4, backoff: 250ms, maxBackoff: 10s }').retries).toEqual({ max: 4, initialBackoffMs: 250, maxBackoffMs: 10_000 });
    });

    it('given only max in the object form, then the backoffs are the defaults', () => {
      expect(firstStep('capability: x', 'retries: { max: 1 }').retries).toEqual({ max: 1, initialBackoffMs: 1_000, maxBackoffMs: 30_000 });
    });

    it('given a backoff above the default cap and no cap, then the cap rises to the backoff', () => {
      expect(firstStep('capability: x', 'retries: { max: 1, backoff: 2m }').retries).toEqual({ max: 1, initialBackoffMs: 120_000, maxBackoffMs: 120_000 });
    });

    it('given an explicit cap below the backoff, then the cap is refused', () => {
      expect(problemsOf(oneStep('capability: x', 'retries: { max: 1, backoff: 10s, maxBackoff: 5s }'))).toEqual([
        'w.yaml:5:50 steps.0 (a).retries.maxBackoff: maxBackoff (5s) must be at least backoff (10s)',
      ]);
    });

    it('given a negative count, a word or a misspelt field, then each is refused where it is written', () => {
      expect(problemsOf(oneStep('capability: x', 'retries: -1'))).toEqual(['w.yaml:5:14 steps.0 (a).retries.max: Too small: expected number to be >=0']);
      expect(problemsOf(oneStep('capability: x', 'retries: two'))).toEqual(['w.yaml:5:14 steps.0 (a).retries: retries must be a whole number or { max, backoff, maxBackoff }']);
      expect(problemsOf(oneStep('capability: x', 'retries: { max: 1, bakoff: 1s }'))).toEqual(['w.yaml:5:24 steps.0 (a).retries: Unrecognized key: "bakoff"']);
    });
  });

  describe('targets', () => {
    it('given an agent name alone, then it is pinned to the name only', () => {
      expect(firstStep('agent: researcher').target).toEqual({ agent: { name: 'researcher' } });
    });

    it('given agent@version, then it is pinned to that version', () => {
      expect(firstStep('agent: researcher@1.0.0').target).toEqual({ agent: { name: 'researcher', version: '1.0.0' } });
      expect(firstStep('agent: researcher@2.0.0-beta.1').target).toEqual({ agent: { name: 'researcher', version: '2.0.0-beta.1' } });
    });

    it('given both a capability and an agent, then both are kept', () => {
      expect(firstStep('capability: research', 'agent: researcher@1.0.0').target).toEqual({ capability: 'research', agent: { name: 'researcher', version: '1.0.0' } });
    });

    it.each(['Researcher', 'researcher@1', 'researcher@1.0.0@2', '@1.0.0'])('given agent: "%s", then it is refused where it is written', (agent) => {
      expect(problemsOf(oneStep(`agent: "${agent}"`))).toEqual([
        `w.yaml:4:12 steps.0 (a).agent: agent "${agent}" must be a lower-case name, optionally pinned to a semantic version (e.g. researcher or researcher@1.0.0)`,
      ]);
    });

    it('given neither a capability nor an agent, then the step is refused', () => {
      expect(problemsOf(oneStep('timeout: 1s'))).toEqual(['w.yaml:3:5 steps.0 (a): a step needs a capability or an agent (or both)']);
    });
  });

  describe('wait steps', () => {
    it('given wait: { signal }, then the step runs no agent and waits up to its timeout', () => {
      const step = firstStep('wait: { signal: go-ahead }', 'timeout: 1h');
      expect(step).toEqual({ id: 'a', wait: { signal: 'go-ahead' }, input: {}, timeoutMs: 3_600_000, retries: DEFAULT_RETRIES, needs: [], onFailure: { kind: 'fail' } });
      expect(WorkflowDefinition.parse(parseWorkflowDocument(oneStep('wait: { signal: go-ahead }'), 'w.yaml')).steps[0]).toEqual({ ...step, timeoutMs: 60_000 });
    });

    it('given a wait step that also names an agent or an input, then it is refused', () => {
      expect(problemsOf(oneStep('wait: { signal: go }', 'capability: x'))).toEqual(['w.yaml:3:5 steps.0 (a): a wait step runs no agent: it takes no capability, agent or input']);
      expect(problemsOf(oneStep('wait: { signal: go }', 'input: { a: 1 }'))).toEqual(['w.yaml:3:5 steps.0 (a): a wait step runs no agent: it takes no capability, agent or input']);
    });
  });

  describe('onFailure', () => {
    it.each([
      ['fail', { kind: 'fail' }],
      ['skip', { kind: 'skip' }],
    ])('given onFailure: %s, then it is %p', (written, onFailure) => {
      expect(firstStep('capability: x', `onFailure: ${written}`).onFailure).toEqual(onFailure);
    });

    it('given anything else, then the accepted forms are listed', () => {
      expect(problemsOf(oneStep('capability: x', 'onFailure: retry'))).toEqual(['w.yaml:5:16 steps.0 (a).onFailure: onFailure must be fail, skip or { compensate: <compensation id> }']);
    });
  });

  describe('strictness', () => {
    it('given a misspelt key in a step, then it is reported where the key is written', () => {
      expect(problemsOf(oneStep('timeout: 5s', 'captability: research'))).toEqual(['w.yaml:5:5 steps.0 (a): Unrecognized key: "captability"']);
    });

    it('given a misspelt top-level key, then it is reported where the key is written', () => {
      expect(problemsOf(yaml('name: w', 'prority: high', 'steps:', '  - id: a', '    capability: x'))).toEqual(['w.yaml:2:1 (workflow): Unrecognized key: "prority"']);
    });

    it('given a key that only steps have on a compensation, then it is refused', () => {
      expect(problemsOf(yaml('name: w', 'steps:', '  - id: a', '    capability: x', 'compensations:', '  - id: undo', '    capability: y', '    needs: [a]'))).toEqual([
        'w.yaml:8:5 compensations.0 (undo): Unrecognized key: "needs"',
      ]);
    });

    it('given no steps, or a name that is not lower-case, then both are reported', () => {
      expect(problemsOf(yaml('name: My Flow', 'steps: []'))).toEqual([
        'w.yaml:1:7 name: must be a lower-case name (a-z, 0-9, _ or -), at most 64 characters',
        'w.yaml:2:8 steps: a workflow needs at least one step',
      ]);
    });

    it('given broken YAML, then the syntax error is reported with its place', () => {
      expect(problemsOf('name: w\nsteps: [\n')).toEqual([expect.stringMatching(/^w\.yaml:\d+:\d+ /)]);
    });
  });
});
