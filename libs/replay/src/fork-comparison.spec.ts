import { createMessage, deriveId, type Envelope, type MessageType, type PayloadInput } from '@agentos/contracts';
import { parseWorkflowDocument } from '@agentos/workflow';
import { compareFork, formatForkComparison } from './fork-comparison';

const parentId = deriveId('spec', 'parent');
const forkId = deriveId('spec', 'fork');
const origin = { tenant: 'acme', actor: { kind: 'service' as const, id: 'orchestrator' } };
const fact = <T extends MessageType>(type: T, payload: PayloadInput<T>) => createMessage(type, payload, origin) as Envelope;

const definition = parseWorkflowDocument(
  ['name: order', 'steps:', '  - { id: charge, capability: charge, input: {} }', '  - { id: ship, needs: [charge], capability: ship, input: {} }', '  - { id: notify, needs: [ship], capability: notify, input: {} }', ''].join('\n'),
  'order.yaml',
);
const task = (runId: string, stepId: string, version = '1.0.0') => ({ taskId: deriveId(runId, stepId), intentId: runId, stepId, attempt: 1, agent: stepId === 'charge' ? 'charger' : 'shipper', agentVersion: version, instanceId: `${stepId}-1`, input: {} });

const parent = [
  fact('WorkflowStarted', { workflowId: parentId, definition, input: {}, priority: 'normal' }),
  fact('TaskAssigned', task(parentId, 'charge')),
  fact('StepCompleted', { workflowId: parentId, stepId: 'charge', taskId: task(parentId, 'charge').taskId, attempt: 1, output: { id: 'ch_1' } }),
  fact('TaskAssigned', task(parentId, 'ship')),
  fact('StepFailed', { workflowId: parentId, stepId: 'ship', attempt: 1, error: 'address unknown' }),
  fact('WorkflowFailed', { workflowId: parentId, reason: 'step ship failed: address unknown', failedStep: 'ship' }),
];
/** Reset to ship on shipper 2.0.0, which shipped; notify has not run yet. */
const fork = [
  fact('WorkflowStarted', { workflowId: forkId, definition, input: {}, priority: 'normal', forkedFrom: { runId: parentId, step: 'ship', agent: { name: 'shipper', version: '2.0.0' } } }),
  fact('StepReused', { workflowId: forkId, stepId: 'charge', fromRun: parentId, output: { id: 'ch_1' } }),
  fact('TaskQueued', { ...task(forkId, 'ship'), target: { capability: 'ship' }, priority: 'normal', timeoutMs: 60_000, deadline: '2026-01-01T00:01:00.000Z' }),
  fact('TaskAssigned', task(forkId, 'ship', '2.0.0')),
  fact('StepCompleted', { workflowId: forkId, stepId: 'ship', taskId: task(forkId, 'ship').taskId, attempt: 1, output: { shipped: true } }),
];

describe('a fork beside its parent', () => {
  it('says per step what the parent did and whether the fork reused its output or ran it again, on which agent', () => {
    const comparison = compareFork(parent, fork);
    expect(comparison).toMatchObject({ parentId, forkId, fromStep: 'ship', agent: 'shipper@2.0.0', outcome: { parent: 'failed: step ship failed: address unknown', fork: 'running' } });
    expect(comparison.steps).toEqual([
      { stepId: 'charge', parent: 'completed on charger@1.0.0 {"id":"ch_1"}', fork: { how: 'reused', what: 'output of the parent {"id":"ch_1"}' }, sameOutput: true },
      { stepId: 'ship', parent: 'failed on shipper@1.0.0: address unknown', fork: { how: 'ran', what: 'completed on shipper@2.0.0 {"shipped":true}' }, sameOutput: false },
      { stepId: 'notify', parent: 'not run', fork: { how: 'not run', what: 'not run' }, sameOutput: false },
    ]);
    const lines = formatForkComparison(comparison).split('\n');
    expect(lines[0]).toBe(`run ${forkId} is a fork of run ${parentId} from step ship, on shipper@2.0.0`);
    expect(lines.slice(3).map((l) => l.split(/ {2,}/))).toEqual([
      ['charge', 'completed on charger@1.0.0 {"id":"ch_1"}', 'REUSED (agent not called): output of the parent {"id":"ch_1"}'],
      ['ship', 'failed on shipper@1.0.0: address unknown', 'ran again: completed on shipper@2.0.0 {"shipped":true}'],
      ['notify', 'not run', 'not run'],
      ['outcome', 'failed: step ship failed: address unknown', 'running'],
    ]);
  });

  it('refuses a pair that is not a run and its fork', () => {
    expect(() => compareFork(parent, parent)).toThrow('the second run is not a fork: its WorkflowStarted names no parent');
    expect(() => compareFork(fork, fork)).toThrow(`run ${forkId} is a fork of ${parentId}, not of ${forkId}`);
  });
});
