import type { ContentLabel } from '@agentos/contracts';
import { labelsHandedTo, type HandedRun } from './task-reports';

const TOOL: ContentLabel = { origin: 'tool_result', source: 'tool:inbox.fetch' };
const STEP: ContentLabel = { origin: 'agent_output', source: 'step:read' };
const payer = { tenant: 'acme', actor: { kind: 'agent' as const, id: 'payer@1.0.0' } };

/** A run of acme that handed task t1 (read) to the clerk and t2, then t3, to the payer. */
const run: HandedRun = {
  tenant: 'acme',
  assignments: { t1: [{ agent: 'inbox-clerk', instanceId: 'c1' }], t2: [{ agent: 'payer', instanceId: 'p1' }], t3: [{ agent: 'payer', instanceId: 'p2' }] },
  taskInputLabels: { t1: undefined, t2: [STEP], t3: [STEP, TOOL] },
};

describe('labelsHandedTo (given a run\'s assignments, when an agent checks policy for it, then it carries what it was handed)', () => {
  it('merges the input labels of every task the run handed that agent, each once', () => {
    expect(labelsHandedTo(run, payer)).toEqual({ labels: [STEP, TOOL] });
  });

  it('is empty for an agent handed only unlabelled input', () => {
    expect(labelsHandedTo(run, { ...payer, actor: { kind: 'agent', id: 'inbox-clerk@2.0.0' } })).toEqual({ labels: [] });
  });

  it('refuses an agent the run handed nothing, and a check from another tenant', () => {
    expect(labelsHandedTo(run, { ...payer, actor: { kind: 'agent', id: 'stranger@1.0.0' } })).toEqual({ refusal: 'agent stranger of tenant acme holds no task of this run' });
    expect(labelsHandedTo(run, { ...payer, tenant: 'globex' })).toEqual({ refusal: 'agent payer of tenant globex holds no task of this run' });
  });
});
