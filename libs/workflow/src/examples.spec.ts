import { WorkflowDefinition } from '@agentos/contracts';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseWorkflowDocument } from './parse';
import { resolveTemplate } from './resolve';
import { unknownTargets } from './targets';

const EXAMPLES = join(__dirname, '../../../examples');
const files = readdirSync(EXAMPLES).filter((file) => file.endsWith('.yaml')).sort();
const load = (file: string) => parseWorkflowDocument(readFileSync(join(EXAMPLES, file), 'utf8'), `examples/${file}`);

/** The demo agents the examples are written for. */
const DEMO_CATALOGUE = ['research', 'summarise', 'review', 'charge', 'refund', 'notify'].map((capability) => ({ name: `${capability}-agent`, version: '1.0.0', capabilities: [capability] }));

describe('the shipped examples', () => {
  it('include the three documented ones (so the checks below cannot pass on an empty folder)', () => {
    expect(files).toEqual(expect.arrayContaining(['order-with-compensation.yaml', 'parallel-digest.yaml', 'research-report.yaml']));
  });

  it.each(files)('given %s, when parsed, then it is a valid wire definition that the demo agents can run', (file) => {
    const definition = load(file);
    expect(WorkflowDefinition.parse(definition)).toEqual(definition);
    expect(unknownTargets(definition, DEMO_CATALOGUE)).toEqual([]);
  });

  it('given research-report, then it is a linear chain with its timeouts and retries', () => {
    const { steps, output } = load('research-report.yaml');
    expect(steps.map((s) => [s.id, s.needs, s.timeoutMs, s.retries])).toEqual([
      ['research', [], 30_000, { max: 2, initialBackoffMs: 1_000, maxBackoffMs: 30_000 }],
      ['summarise', ['research'], 20_000, { max: 3, initialBackoffMs: 500, maxBackoffMs: 5_000 }],
      ['review', ['summarise'], 60_000, { max: 0, initialBackoffMs: 1_000, maxBackoffMs: 30_000 }],
    ]);
    expect(output).toMatchObject({ summary: '${steps.summarise.output.summary}' });
  });

  it('given parallel-digest, then three researches fan in to the digest, whose text joins theirs', () => {
    const definition = load('parallel-digest.yaml');
    expect(definition.priority).toBe('high');
    expect(definition.steps.map((s) => [s.id, s.needs])).toEqual([
      ['research-first', []],
      ['research-second', []],
      ['research-third', []],
      ['digest', ['research-first', 'research-second', 'research-third']],
      ['send', ['digest']],
    ]);
    const digest = definition.steps[3];
    const context = {
      input: { topics: ['fusion', 'solar', 'storage'] },
      steps: { 'research-first': { output: { text: 'F.' } }, 'research-second': { output: { text: 'S.' } }, 'research-third': { output: { text: 'G.' } } },
    };
    expect(resolveTemplate(digest.input, context)).toEqual({ goal: 'One digest covering fusion, solar and storage', text: 'F.\n\nS.\n\nG.' });
  });

  it('given order-with-compensation, then a failed charge is compensated by the refund, which gets the error', () => {
    const definition = load('order-with-compensation.yaml');
    expect(definition.steps.map((s) => [s.id, s.onFailure])).toEqual([
      ['charge', { kind: 'compensate', step: 'refund' }],
      ['notify', { kind: 'fail' }],
      ['review', { kind: 'skip' }],
    ]);
    expect(definition.steps[0].retries.max).toBe(1);
    const refund = definition.compensations[0];
    expect(resolveTemplate(refund.input, { input: { orderId: 'o-42', amount: 2000 }, steps: { charge: { error: 'card declined' } } })).toEqual({ orderId: 'o-42', reason: 'card declined' });
    expect(resolveTemplate(definition.steps[0].input, { input: { orderId: 'o-42', amount: 2000 }, steps: {} })).toEqual({ orderId: 'o-42', amount: 2000 });
  });
});
