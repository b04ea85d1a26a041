import type { Envelope, MessageOf } from '@agentos/contracts';
import { fold } from '@agentos/decider';
import { erasedAsText } from '@agentos/event-store';
import { orchestrationDecider, type RunState } from '@agentos/orchestration';

/** One step of a fork beside the same step of its parent. */
export interface ComparedStep {
  stepId: string;
  parent: string;
  /** `reused`: the parent's output, the agent not called; `ran`: run again in the fork; `not run`: not reached. */
  fork: { how: 'reused' | 'ran' | 'not run'; what: string };
  /** Whether both runs ended the step with the same output (a reused step always does). */
  sameOutput: boolean;
}

export interface ForkComparison {
  parentId: string;
  forkId: string;
  fromStep: string;
  /** The agent version the fork pinned its steps run again to, if any. */
  agent?: string;
  /** The policy bundle version the fork is pinned to, if any. */
  policyBundle?: string;
  steps: ComparedStep[];
  outcome: { parent: string; fork: string };
}

const MAX_OUTPUT = 60;
const shortJson = (value: unknown) => {
  const text = JSON.stringify(value ?? null, erasedAsText);
  return text.length > MAX_OUTPUT ? `${text.slice(0, MAX_OUTPUT - 1)}…` : text;
};

/** Who ran each step last (`agent@version`), from the assignments in a history. */
function runnersOf(events: readonly Envelope[]): Map<string, string> {
  const runners = new Map<string, string>();
  for (const e of events.filter((x) => x.type === 'TaskAssigned') as MessageOf<'TaskAssigned'>[]) runners.set(e.payload.stepId, `${e.payload.agent}@${e.payload.agentVersion}`);
  return runners;
}

function describeStep(state: RunState, stepId: string, runner: string | undefined): string {
  const step = state.steps[stepId];
  if (!step || step.status === 'waiting') return 'not run';
  const by = runner ? ` on ${runner}` : '';
  if (step.status === 'completed') return `completed${by} ${shortJson(step.output)}`;
  return `${step.status}${by}${step.error ? `: ${step.error}` : ''}`;
}

const outcomeOf = (events: readonly Envelope[], state: RunState) => {
  const last = [...events].reverse().find((e) => ['WorkflowCompleted', 'WorkflowFailed', 'WorkflowRejected', 'RunCancelled'].includes(e.type));
  const reason = (last?.payload as { reason?: string } | undefined)?.reason;
  return `${state.status}${reason ? `: ${reason}` : ''}`;
};

/**
 * A fork (a run reset from a past point of another) beside its parent, step by step: what each step did in the parent,
 * and in the fork whether its output was reused (its agent not called) or the step ran again, and with what result.
 */
export function compareFork(parentEvents: readonly Envelope[], forkEvents: readonly Envelope[]): ForkComparison {
  const started = forkEvents.find((e) => e.type === 'WorkflowStarted') as MessageOf<'WorkflowStarted'> | undefined;
  const forkedFrom = started?.payload.forkedFrom;
  if (!started || !forkedFrom) throw new Error('the second run is not a fork: its WorkflowStarted names no parent');
  const parent = fold(orchestrationDecider, parentEvents);
  if (forkedFrom.runId !== parent.runId) throw new Error(`run ${started.payload.workflowId} is a fork of ${forkedFrom.runId}, not of ${parent.runId}`);
  const fork = fold(orchestrationDecider, forkEvents);
  const reused = new Set((forkEvents.filter((e) => e.type === 'StepReused') as MessageOf<'StepReused'>[]).map((e) => e.payload.stepId));
  const [parentRunners, forkRunners] = [runnersOf(parentEvents), runnersOf(forkEvents)];
  const steps = started.payload.definition.steps.map(({ id }): ComparedStep => {
    const inFork = fork.steps[id];
    const how = reused.has(id) ? 'reused' : !inFork || inFork.status === 'waiting' ? 'not run' : 'ran';
    const what = how === 'reused' ? `output of the parent ${shortJson(inFork?.output)}` : describeStep(fork, id, forkRunners.get(id));
    const bothDone = parent.steps[id]?.status === 'completed' && inFork?.status === 'completed';
    return { stepId: id, parent: describeStep(parent, id, parentRunners.get(id)), fork: { how, what }, sameOutput: bothDone && JSON.stringify(parent.steps[id].output) === JSON.stringify(inFork.output) };
  });
  return {
    parentId: parent.runId!,
    forkId: started.payload.workflowId,
    fromStep: forkedFrom.step,
    ...(forkedFrom.agent ? { agent: `${forkedFrom.agent.name}@${forkedFrom.agent.version}` } : {}),
    ...(forkedFrom.policyBundle ? { policyBundle: forkedFrom.policyBundle } : {}),
    steps,
    outcome: { parent: outcomeOf(parentEvents, parent), fork: outcomeOf(forkEvents, fork) },
  };
}

/** The comparison as two columns for a terminal: the parent's step on the left, the fork's on the right. */
export function formatForkComparison(comparison: ForkComparison): string {
  const { parentId, forkId, fromStep, agent, policyBundle, steps, outcome } = comparison;
  const left = Math.max(24, ...steps.map((s) => s.parent.length), outcome.parent.length) + 2;
  const name = Math.max(8, ...steps.map((s) => s.stepId.length)) + 2;
  const row = (step: string, parentText: string, forkText: string) => `${step.padEnd(name)}${parentText.padEnd(left)}${forkText}`.trimEnd();
  return [
    `run ${forkId} is a fork of run ${parentId} from step ${fromStep}${agent ? `, on ${agent}` : ''}${policyBundle ? `, under policy bundle ${policyBundle}` : ''}`,
    '',
    row('step', `parent ${parentId.slice(0, 8)}`, `fork ${forkId.slice(0, 8)}`),
    ...steps.map((s) => row(s.stepId, s.parent, `${s.fork.how === 'ran' ? 'ran again: ' : s.fork.how === 'reused' ? 'REUSED (agent not called): ' : ''}${s.fork.what}${s.fork.how === 'ran' && s.sameOutput ? ' (same output)' : ''}`)),
    row('outcome', outcome.parent, outcome.fork),
  ].join('\n');
}
