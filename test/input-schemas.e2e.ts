import { defineAgent } from '@agentos/agent-sdk';
import { createMessage, newId, type Envelope } from '@agentos/contracts';
import { parseWorkflowDocument } from '@agentos/workflow';
import { z } from 'zod';
import { startSystem, type RunningSystem } from './system';

/** Every input it was handed: an input its schema refuses must never reach it. */
const handled: unknown[] = [];

const tally = defineAgent({
  name: 'tally',
  version: '1.0.0',
  owner: 'test-team',
  capabilities: ['tally'],
  input: z.object({ text: z.string().min(1), words: z.number().int().positive(), unit: z.enum(['words', 'lines']).default('words') }),
  async handle(input) {
    handled.push(input);
    return { count: Math.min(input.words, input.text.split(/\s+/).length), unit: input.unit };
  },
});

/** Feeds its step's input from the run's input, with three retries: a refused input must not be retried. */
const counting = parseWorkflowDocument(
  ['name: counting', 'steps:', '  - id: count', '    capability: tally', '    retries: 3', '    input: { text: "${input.text}", words: "${input.words}" }', ''].join('\n'),
  'counting.yaml',
);

/**
 * Issue 18: step inputs are checked against the input schema the agent registered before the step is handed to
 * it. An input that fails ends the run at once (no retry), naming every problem; a valid one runs.
 */
describe('step inputs checked against the agent-registered input schema, against a real nats-server', () => {
  let system: RunningSystem;
  const types = (events: Envelope[]) => events.map((e) => e.type);

  beforeAll(async () => {
    system = await startSystem([tally as never]);
  });

  afterAll(async () => {
    await system.stop();
  });

  it('fails an intent whose input the schema refuses before any agent gets it, naming every field', async () => {
    const { events } = await system.submit('tally', { text: '', words: 'many', unit: 'pages' });
    expect(events.at(-1)).toMatchObject({ type: 'IntentFailed' });
    const { reason } = events.at(-1)!.payload as { reason: string };
    expect(reason).toMatch(/^task failed: input does not match the input schema tally@1\.0\.0 registered: /);
    for (const field of ['input.text:', 'input.words:', 'input.unit:']) expect(reason).toContain(field);
    expect(types(events)).not.toContain('TaskAssigned');
    expect(types(events).filter((t) => t === 'TaskQueued')).toHaveLength(1);
    expect(types(events)).not.toContain('StepRetryScheduled');
    expect(handled).toEqual([]);
  });

  it('fails a workflow step whose mapped input the schema refuses once, with no retry, and never runs it', async () => {
    const workflowId = newId();
    await system.client.publishMessage(createMessage('RunWorkflow', { workflowId, definition: counting, input: { text: 'four words right here', words: 'four' } }, system.origin));
    const events = await system.recorded(workflowId, (e) => e.type === 'WorkflowFailed', 'the workflow to fail');
    expect(events.find((e) => e.type === 'WorkflowFailed')?.payload).toMatchObject({
      failedStep: 'count',
      reason: expect.stringMatching(/^step count failed: input does not match the input schema tally@1\.0\.0 registered: input\.words: .*expected number/),
    });
    expect(types(events).filter((t) => t === 'StepFailed')).toHaveLength(1);
    expect(types(events)).not.toContain('StepRetryScheduled');
    expect(types(events)).not.toContain('TaskAssigned');
    expect(handled).toEqual([]);
  });

  it('hands a valid input to the agent, defaulted fields left out', async () => {
    const { events } = await system.submit('tally', { text: 'three short words', words: 10 });
    expect(events.at(-1)).toMatchObject({ type: 'IntentCompleted', payload: { output: { count: 3, unit: 'words' } } });
    expect(handled).toEqual([expect.objectContaining({ text: 'three short words', words: 10, unit: 'words' })]);
  });
});
