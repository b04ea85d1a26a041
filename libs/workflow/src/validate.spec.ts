import type { WorkflowDefinition, WorkflowStep } from '@agentos/contracts';
import { parseWorkflowDocument } from './parse';
import { describeProblem } from './problems';
import { problemsOf, yaml } from './test-support';
import { validateWorkflow } from './validate';

describe('semantic checks of a written workflow (each problem names its place, step and field)', () => {
  it('given a cycle, then it is shown where it closes', () => {
    const text = yaml(
      'name: w',
      'steps:',
      '  - id: a',
      '    capability: x',
      '    needs: [b]',
      '  - id: b',
      '    capability: x',
      '    needs: [c]',
      '  - id: c',
      '    capability: x',
      '    needs: [a]',
    );
    expect(problemsOf(text)).toEqual(['w.yaml:11:12 steps.2 (c).needs: cycle c → a → b → c']);
  });

  it('given a step that needs itself, then that need is refused', () => {
    expect(problemsOf(yaml('name: w', 'steps:', '  - id: a', '    capability: x', '    needs: [a]'))).toEqual(['w.yaml:5:13 steps.0 (a).needs.0: a step cannot need itself']);
  });

  it('given a need of an unknown step or of a compensation, then each is refused', () => {
    const text = yaml(
      'name: w',
      'steps:',
      '  - id: a',
      '    capability: x',
      '  - id: b',
      '    capability: x',
      '    needs:',
      '      - a',
      '      - reserch',
      '      - undo',
      'compensations:',
      '  - id: undo',
      '    capability: y',
    );
    expect(problemsOf(text)).toEqual([
      'w.yaml:9:9 steps.1 (b).needs.1: unknown step "reserch"',
      'w.yaml:10:9 steps.1 (b).needs.2: "undo" is a compensation, not a step: compensations only run when a step fails',
    ]);
  });

  it('given ids used twice, across steps and compensations, then the later ones are refused', () => {
    const text = yaml('name: w', 'steps:', '  - id: a', '    capability: x', '  - id: a', '    capability: y', 'compensations:', '  - id: a', '    capability: z');
    expect(problemsOf(text)).toEqual([
      'w.yaml:5:9 steps.1 (a).id: duplicate id "a" (already used by steps.0): ids must be unique across steps and compensations',
      'w.yaml:8:9 compensations.0 (a).id: duplicate id "a" (already used by steps.0): ids must be unique across steps and compensations',
    ]);
  });

  it('given onFailure naming an undeclared compensation, then it is refused and the declared ones are listed', () => {
    const text = yaml('name: w', 'steps:', '  - id: a', '    capability: x', '    onFailure: { compensate: refnd }', 'compensations:', '  - id: refund', '    capability: y');
    expect(problemsOf(text)).toEqual(['w.yaml:5:16 steps.0 (a).onFailure: unknown compensation "refnd" (declared: refund)']);
    expect(problemsOf(yaml('name: w', 'steps:', '  - id: a', '    capability: x', '    onFailure: { compensate: refund }'))).toEqual([
      'w.yaml:5:16 steps.0 (a).onFailure: unknown compensation "refund": declare it under compensations',
    ]);
  });

  describe('mappings', () => {
    /** A research step and a summarise step whose input holds `line`; the mapping is on line 9. */
    const summarising = (line: string, needs = '    needs: [research]') =>
      yaml('name: w', 'steps:', '  - id: research', '    capability: research', '  - id: summarise', '    capability: summarise', needs, '    input:', `      ${line}`);

    it('given a reference to an unknown step, then it names the step, the field and the misspelling', () => {
      expect(problemsOf(summarising('text: ${steps.reserch.output.text}'))).toEqual(['w.yaml:9:13 steps.1 (summarise).input.text: ${steps.reserch.output.text} refers to unknown step "reserch"']);
    });

    it('given a reference to a step it does not depend on, then it is refused with the fix', () => {
      expect(problemsOf(summarising('text: ${steps.research.output.text}', '    timeout: 5s'))).toEqual([
        'w.yaml:9:13 steps.1 (summarise).input.text: ${steps.research.output.text} refers to step "research", which "summarise" does not depend on: add it to needs so that it has finished first',
      ]);
    });

    it('given a reference to the step itself, then it is refused', () => {
      expect(problemsOf(summarising('text: ${steps.summarise.output}'))).toEqual(['w.yaml:9:13 steps.1 (summarise).input.text: ${steps.summarise.output} refers to the step itself']);
    });

    it('given an unknown root, then the two roots are named', () => {
      expect(problemsOf(summarising('text: ${inputs.topic}'))).toEqual(['w.yaml:9:13 steps.1 (summarise).input.text: ${inputs.topic} has unknown root "inputs": references start with input or steps']);
    });

    it('given a step reference that is neither output nor error, then the forms are listed', () => {
      expect(problemsOf(summarising('text: ${steps.research.result}'))).toEqual([
        'w.yaml:9:13 steps.1 (summarise).input.text: ${steps.research.result} is not a step reference: use ${steps.<id>.output}, ${steps.<id>.output.<path>} or ${steps.<id>.error}',
      ]);
    });

    it("given a step's error used outside a compensation, then it is refused", () => {
      expect(problemsOf(summarising('text: ${steps.research.error}'))).toEqual(["w.yaml:9:13 steps.1 (summarise).input.text: ${steps.research.error}: a step's error can only be used in a compensation's input"]);
    });

    it('given an unclosed ${ inside a longer string, then it is refused', () => {
      expect(problemsOf(summarising('goal: About ${input.topic and more'))).toEqual(['w.yaml:9:13 steps.1 (summarise).input.goal: ${input.topic and more is not closed: a "}" is missing']);
    });

    it('given an empty ${}, or one that is not a dotted path, then each is refused', () => {
      expect(problemsOf(summarising('goal: "${} and ${input..topic}"'))).toEqual([
        'w.yaml:9:13 steps.1 (summarise).input.goal: ${} is empty: write a reference such as ${input.topic}',
        'w.yaml:9:13 steps.1 (summarise).input.goal: ${input..topic} is not a reference: use dot-separated names such as ${input.topic} or ${steps.research.output.text}',
      ]);
    });

    it('given a bad reference deep in nested objects and arrays, then the path goes down to it', () => {
      const text = yaml(
        'name: w',
        'steps:',
        '  - id: a',
        '    capability: x',
        '    input:',
        '      sections:',
        '        - title: ok',
        '          parts:',
        '            - ${input.intro}',
        '            - ${steps.b.output}',
      );
      expect(problemsOf(text)).toEqual(['w.yaml:10:15 steps.0 (a).input.sections.0.parts.1: ${steps.b.output} refers to unknown step "b"']);
    });

    it('given references to indirect dependencies, then they are accepted', () => {
      const text = yaml(
        'name: w',
        'steps:',
        '  - id: a',
        '    capability: x',
        '  - id: b',
        '    capability: x',
        '    needs: [a]',
        '  - id: c',
        '    capability: x',
        '    needs: [b]',
        '    input: { both: "${steps.a.output.x} ${steps.b.output}" }',
      );
      expect(parseWorkflowDocument(text, 'w.yaml').steps[2].input).toEqual({ both: '${steps.a.output.x} ${steps.b.output}' });
    });

    it("given a compensation, then it may use any step's output or error, but not unknown steps", () => {
      const text = yaml(
        'name: w',
        'steps:',
        '  - id: a',
        '    capability: x',
        '  - id: b',
        '    capability: x',
        '    onFailure: { compensate: undo }',
        'compensations:',
        '  - id: undo',
        '    capability: y',
        '    input:',
        '      why: ${steps.b.error}',
        '      what: ${steps.a.output.id}',
        '      who: ${steps.c.error}',
      );
      expect(problemsOf(text)).toEqual(['w.yaml:14:12 compensations.0 (undo).input.who: ${steps.c.error} refers to unknown step "c"']);
    });

    it("given the workflow output, then it may use any step's output but no error and no unknown step", () => {
      const text = yaml(
        'name: w',
        'steps:',
        '  - id: a',
        '    capability: x',
        '  - id: b',
        '    capability: x',
        'output:',
        '  first: ${steps.a.output}',
        '  second: ${steps.b.output.text}',
        '  failure: ${steps.a.error}',
        '  missing: ${steps.z.output}',
      );
      expect(problemsOf(text)).toEqual([
        "w.yaml:10:12 output.failure: ${steps.a.error}: a step's error can only be used in a compensation's input",
        'w.yaml:11:12 output.missing: ${steps.z.output} refers to unknown step "z"',
      ]);
    });
  });

  it('given several problems, then all are reported at once, each at its own place', () => {
    const text = yaml(
      'name: w',
      'steps:',
      '  - id: a',
      '    capability: x',
      '    needs: [ghost]',
      '    input: { t: "${input.t" }',
      '  - id: b',
      '    capability: x',
      '    onFailure: { compensate: nope }',
    );
    expect(problemsOf(text)).toEqual([
      'w.yaml:5:13 steps.0 (a).needs.0: unknown step "ghost"',
      'w.yaml:6:17 steps.0 (a).input.t: ${input.t is not closed: a "}" is missing',
      'w.yaml:9:16 steps.1 (b).onFailure: unknown compensation "nope": declare it under compensations',
    ]);
  });

  it('given a schema problem, then the semantic checks wait for it to be fixed', () => {
    expect(problemsOf(yaml('name: w', 'steps:', '  - id: a', '    capability: x', '    needs: [ghost]', '    timeout: never'))).toEqual([
      expect.stringMatching(/^w\.yaml:6:14 steps\.0 \(a\)\.timeout: invalid duration "never"/),
    ]);
  });
});

describe('validateWorkflow on the wire form (as the orchestrator re-checks it)', () => {
  const step = (id: string, over: Partial<WorkflowStep> = {}): WorkflowStep => ({
    id,
    target: { capability: 'x' },
    input: {},
    timeoutMs: 1_000,
    retries: { max: 0, initialBackoffMs: 1_000, maxBackoffMs: 30_000 },
    needs: [],
    onFailure: { kind: 'fail' },
    ...over,
  });
  const workflow = (steps: WorkflowStep[], over: Partial<WorkflowDefinition> = {}): WorkflowDefinition => ({ name: 'w', priority: 'normal', steps, compensations: [], ...over });

  it('given a valid definition, then there are no problems', () => {
    expect(validateWorkflow(workflow([step('a', { input: { x: '${input.x}' } }), step('b', { needs: ['a'], input: { y: '${steps.a.output.y}' } })]))).toEqual([]);
  });

  it('given problems, then each has its path, its step and a message, and describeProblem formats it', () => {
    const problems = validateWorkflow(workflow([step('research'), step('summarise', { needs: ['research'], input: { text: '${steps.reserch.output.text}' } })], { output: { s: '${steps.nope.output}' } }));
    expect(problems).toEqual([
      { path: ['steps', 1, 'input', 'text'], step: 'summarise', message: '${steps.reserch.output.text} refers to unknown step "reserch"' },
      { path: ['output', 's'], message: '${steps.nope.output} refers to unknown step "nope"' },
    ]);
    expect(problems.map(describeProblem)).toEqual([
      'steps.1 (summarise).input.text: ${steps.reserch.output.text} refers to unknown step "reserch"',
      'output.s: ${steps.nope.output} refers to unknown step "nope"',
    ]);
  });

  it('given a two-step cycle, then it is reported once, at the step closing it', () => {
    expect(validateWorkflow(workflow([step('a', { needs: ['b'] }), step('b', { needs: ['a'] })]))).toEqual([{ path: ['steps', 1, 'needs'], step: 'b', message: 'cycle b → a → b' }]);
  });

  it('given two separate cycles, then each is reported', () => {
    const problems = validateWorkflow(workflow([step('a', { needs: ['b'] }), step('b', { needs: ['a'] }), step('c', { needs: ['d'] }), step('d', { needs: ['c'] })]));
    expect(problems.map(describeProblem)).toEqual(['steps.1 (b).needs: cycle b → a → b', 'steps.3 (d).needs: cycle d → c → d']);
  });
});
