import { mergeSchedulerStates } from './scheduler-views';

const state = (overrides: Partial<Parameters<typeof mergeSchedulerStates>[0][number]> = {}) => ({
  strategy: 'fair-share',
  queued: 0,
  inFlight: 0,
  queueDepth: {},
  byTenant: {},
  breakers: [],
  waiting: [],
  ...overrides,
});
const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

describe('mergeSchedulerStates: the whole orchestrator from its replicas', () => {
  it('adds the counts, lists every waiting task, and shows each circuit as the worst a replica sees', () => {
    const a = state({
      queued: 2,
      inFlight: 1,
      queueDepth: { 'capability:echo': 2 },
      byTenant: { acme: { queued: 2, inFlight: 1 } },
      breakers: [{ instanceId: 'i-1', state: 'closed', consecutiveFailures: 1 }, { instanceId: 'i-2', state: 'open', consecutiveFailures: 3 }],
      waiting: [{ taskId: id(1), workflowId: id(2), stepId: 's', reason: 'no free slot' }],
    });
    const b = state({
      queued: 1,
      inFlight: 4,
      queueDepth: { 'capability:echo': 1, 'agent:x@1.0.0': 1 },
      byTenant: { acme: { queued: 0, inFlight: 3 }, zeta: { queued: 1, inFlight: 1 } },
      breakers: [{ instanceId: 'i-1', state: 'half-open', consecutiveFailures: 0 }, { instanceId: 'i-2', state: 'closed', consecutiveFailures: 0 }],
      waiting: [{ taskId: id(3), workflowId: id(4), stepId: 't', reason: 'breaker open' }],
    });
    expect(mergeSchedulerStates([a, b])).toEqual({
      strategy: 'fair-share',
      queued: 3,
      inFlight: 5,
      queueDepth: { 'agent:x@1.0.0': 1, 'capability:echo': 3 },
      byTenant: { acme: { queued: 2, inFlight: 4 }, zeta: { queued: 1, inFlight: 1 } },
      breakers: [{ instanceId: 'i-1', state: 'half-open', consecutiveFailures: 0 }, { instanceId: 'i-2', state: 'open', consecutiveFailures: 3 }],
      waiting: [...a.waiting, ...b.waiting],
    });
  });

  it('is the replica itself when it is alone', () => {
    const alone = state({ queued: 1, queueDepth: { 'capability:echo': 1 }, byTenant: { acme: { queued: 1, inFlight: 0 } } });
    expect(mergeSchedulerStates([alone])).toEqual(alone);
  });
});
