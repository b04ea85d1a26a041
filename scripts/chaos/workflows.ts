import type { WorkflowDefinition } from '@agentos/contracts';
import { parseWorkflowDocument } from '@agentos/workflow';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../processes';

/** The chaos worker declines a charge over this, as the demo payments agent does: the compensation example's failure on purpose. */
export const DECLINED_ABOVE = 1_000;
/** A failure the workflow asked for (a declined charge, refunded), not one the chaos caused. */
export const BUSINESS_FAILURE = /card declined/;

/**
 * A step's deadline under the chaos. The examples' deadlines (10 s for a charge) are business limits: with
 * several services down at once a step waits longer than that in the queue (p50 25 s for an intent), expires
 * as it should, and its retry runs the code again. The chaos measures what the platform loses, runs twice
 * or fails by itself, so it gives every step the time it takes to come through.
 */
export const CHAOS_STEP_TIMEOUT_MS = 5 * 60_000;

/** Every step and compensation of a definition done by the chaos worker, whatever its example names, within the chaos deadline. */
const onChaosWorker = (definition: WorkflowDefinition): WorkflowDefinition => {
  const chaotic = <S extends Pick<WorkflowDefinition['steps'][number], 'target' | 'timeoutMs'>>(step: S): S => ({ ...step, target: { capability: 'chaos' }, timeoutMs: CHAOS_STEP_TIMEOUT_MS });
  return { ...definition, steps: definition.steps.map(chaotic), compensations: definition.compensations.map(chaotic) };
};

const example = (name: string) => onChaosWorker(parseWorkflowDocument(readFileSync(join(ROOT, 'examples', `${name}.yaml`), 'utf8'), `${name}.yaml`));

export interface ChaosWorkflow {
  definition: WorkflowDefinition;
  input: Record<string, unknown>;
}

/**
 * The examples/ workflows in turn: a chain (research-report), a fan-out and fan-in (parallel-digest), and
 * an order whose charge fails on purpose every other time, so its refund compensation runs.
 */
export function chaosWorkflows(): (i: number) => ChaosWorkflow {
  const [chain, fan, order] = ['research-report', 'parallel-digest', 'order-with-compensation'].map(example);
  return (i) => {
    if (i % 3 === 0) return { definition: chain, input: { topic: `topic ${i}` } };
    if (i % 3 === 1) return { definition: fan, input: { topics: [`a${i}`, `b${i}`, `c${i}`] } };
    return { definition: order, input: { orderId: `o-${i}`, amount: i % 2 === 0 ? DECLINED_ABOVE + 1 : 250 } };
  };
}
