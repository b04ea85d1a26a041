import { join } from 'node:path';
import { loadTemplates, parseTemplates } from './templates';

const errorOf = (text: string): string => {
  try {
    parseTemplates(text, 'templates.yaml');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected parseTemplates to throw');
};

describe('parseTemplates', () => {
  it('applies defaults and turns YAML scalars in env into strings', () => {
    const templates = parseTemplates('templates:\n  worker:\n    agent: worker\n    env: { PORT: 8080, DEBUG: true, NAME: x }\n', 'inline');
    expect(templates).toEqual({
      worker: { agent: 'worker', args: [], cwd: '.', env: { PORT: '8080', DEBUG: 'true', NAME: 'x' }, maxInstances: 10 },
    });
  });

  it('reports every problem with its line and column', () => {
    const text = [
      'templates:',
      '  ok:',
      '    agent: Bad.Name',
      '    arg: []', // misspelt `args`: strict objects reject it
      '    maxInstances: 0',
      '  "Bad key":',
      '    agent: fine',
      '',
    ].join('\n');
    expect(errorOf(text)).toBe(
      [
        'templates.yaml is invalid:',
        '  templates.yaml:3:12 templates.ok.agent: must be a lower-case name (a-z, 0-9, _ or -), at most 64 characters',
        '  templates.yaml:5:19 templates.ok.maxInstances: Too small: expected number to be >=1',
        '  templates.yaml:4:5 templates.ok: Unrecognized key: "arg"',
        '  templates.yaml:7:5 templates.Bad key: template name must be a lower-case name (a-z, 0-9, _ or -), at most 64 characters',
      ].join('\n'),
    );
  });

  it('points a missing field at its parent and a YAML syntax error at its position', () => {
    expect(errorOf('templates:\n  a:\n    args: ["x"]\n')).toBe('templates.yaml is invalid:\n  templates.yaml:3:5 templates.a.agent: Invalid input: expected string, received undefined');
    expect(errorOf('templates:\n  a: { agent: a\n')).toMatch(/^templates\.yaml is invalid:\n {2}templates\.yaml:\d+:\d+ /);
    expect(errorOf('templates: {}\nextra: 1\n')).toBe('templates.yaml is invalid:\n  templates.yaml:2:1 (document): Unrecognized key: "extra"');
  });
});

describe('deploy/agents/templates.yaml', () => {
  it('has one template per demo agent, each running the demo-agent app from source', () => {
    const templates = loadTemplates(join(__dirname, '../../../deploy/agents/templates.yaml'));
    const agents = ['researcher', 'summariser', 'reviewer', 'payments', 'notifier'];
    expect(Object.keys(templates).sort()).toEqual([...agents].sort());
    for (const agent of agents) {
      expect(templates[agent]).toEqual({
        agent,
        args: ['-r', '@swc-node/register', 'apps/demo-agent/src/main.ts'],
        cwd: '.',
        env: { AGENTOS_DEMO_AGENTS: agent },
        maxInstances: 10,
      });
    }
  });
});
