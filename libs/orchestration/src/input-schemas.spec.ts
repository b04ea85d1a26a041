import { z } from 'zod';
import { InputSchemaChecks } from './input-schemas';
import { agent } from './test-fixtures';

/** An agent version registered with the schema its SDK derives from its zod input (io: 'input', as runAgent does). */
const registered = (input: z.ZodType, version = '1.0.0') => ({ ...agent('summariser', ['summarise'], version), inputSchema: z.toJSONSchema(input, { io: 'input' }) as Record<string, unknown> });

describe('InputSchemaChecks', () => {
  const schema = z.object({ text: z.string().min(1), words: z.number().int().positive().default(50), tags: z.array(z.string()).optional(), tone: z.enum(['plain', 'formal']) });

  it('names every field-level problem, under input', () => {
    expect(new InputSchemaChecks().problems(registered(schema), { text: '', words: 2.5, tags: ['a', 3] })).toEqual([
      { path: 'input.text', message: expect.stringContaining('>=1') },
      { path: 'input.words', message: expect.stringContaining('int') },
      { path: 'input.tags.1', message: expect.stringContaining('expected string') },
      { path: 'input.tone', message: expect.stringContaining('"plain"|"formal"') },
    ]);
  });

  it('accepts what the agent accepts: defaulted fields left out, extra fields (a goal) present', () => {
    expect(new InputSchemaChecks().problems(registered(schema), { goal: 'summarise Q3', text: 'Q3 went well.', tone: 'plain' })).toEqual([]);
  });

  it('checks nothing for an agent without a schema, or with one zod cannot read', () => {
    const checks = new InputSchemaChecks();
    expect(checks.problems(agent('summariser', ['summarise']), 'not even an object')).toEqual([]);
    const conditional = { ...agent('summariser', ['summarise']), inputSchema: { type: 'object', if: { required: ['a'] }, then: { required: ['b'] } } };
    expect(checks.problems(conditional, {})).toEqual([]);
  });

  it('leaves regular expressions to the agent: a backtracking pattern registered by an agent cannot stall the orchestrator', () => {
    const evil = { ...agent('summariser', ['summarise']), inputSchema: { type: 'object', properties: { id: { type: 'string', pattern: '^(a+)+$' }, n: { type: 'number' } } } };
    const startedAt = Date.now();
    expect(new InputSchemaChecks().problems(evil, { id: `${'a'.repeat(40)}!`, n: 'x' })).toEqual([{ path: 'input.n', message: expect.stringContaining('expected number') }]);
    expect(Date.now() - startedAt).toBeLessThan(1_000);
  });

  it('keeps a compiled schema per agent version, and compiles again when a version comes back with another schema', () => {
    const checks = new InputSchemaChecks();
    const strict = registered(z.object({ text: z.string() }), '2.0.0');
    expect(checks.problems(strict, {})).toHaveLength(1);
    expect(checks.problems({ ...strict, inputSchema: structuredClone(strict.inputSchema) }, {})).toHaveLength(1);
    expect(checks.problems(registered(z.object({ text: z.string().optional() }), '2.0.0'), {})).toEqual([]);
    expect(checks.problems(registered(z.object({ text: z.string() }), '1.0.0'), {})).toHaveLength(1);
  });
});
