import { Scheduler } from './scheduler';
import { fifo } from './strategy';
import { instance, task } from './test-fixtures';

/**
 * Two summarise instances (2 slots each) and one review instance whose breaker opens on the first
 * failure. After the first plan: summarise is full, review's circuit is open, nobody offers
 * translate and agent a@1.0.0 is not running.
 */
function given() {
  const scheduler = new Scheduler({ strategy: fifo, breaker: { failureThreshold: 1, cooldownMs: 1_000 } });
  const instances = [
    instance('s-1', { concurrency: 2 }),
    instance('s-2', { concurrency: 2 }),
    instance('r-1', { name: 'reviewer', capabilities: ['review'] }),
  ];
  for (const id of ['s1', 's2', 's3', 's4']) scheduler.enqueue(task(id));
  scheduler.enqueue(task('r1', { target: { capability: 'review' } }));
  scheduler.enqueue(task('s5'));
  scheduler.enqueue(task('r2', { target: { capability: 'review' } }));
  scheduler.enqueue(task('c1', { target: { capability: 'translate' } }));
  scheduler.enqueue(task('p1', { tenant: 'zeta', target: { agent: { name: 'a', version: '1.0.0' } } }));
  expect(scheduler.plan(instances, 0).map((d) => d.task.taskId)).toEqual(['s1', 's2', 's3', 's4', 'r1']);
  scheduler.finished('r1', 'failed', 5);
  return { scheduler, instances };
}

describe('Scheduler: why tasks wait', () => {
  it('given full, broken and missing agents, when asked why tasks wait, then each gets its reason in queue order', () => {
    const { scheduler, instances } = given();
    expect(scheduler.waiting(instances, 10).map(({ task: t, reason }) => [t.taskId, reason])).toEqual([
      ['s5', 'all 2 instances of capability "summarise" busy (4/4 slots)'],
      ['r2', 'circuit open on every instance of capability "review"'],
      ['c1', 'no live agent offers capability "translate"'],
      ['p1', 'no live instance of agent a@1.0.0'],
    ]);
  });

  it('given a freed slot, when asked why a task waits, then it is either next in line or vetoed on every free instance', () => {
    const { scheduler, instances } = given();
    scheduler.finished('s1', 'succeeded', 10);
    const reasonOfS5 = (excluded?: () => boolean) => scheduler.waiting(instances, 10, { excluded }).find((w) => w.task.taskId === 's5')?.reason;
    expect(reasonOfS5()).toBe('an instance of capability "summarise" has a free slot: it goes out at the next plan');
    expect(reasonOfS5(() => true)).toBe('vetoed on every instance of capability "summarise" with a free slot');
  });

  it('given the same state, when a snapshot is taken, then counts, depth by target, tenants and breakers are exact', () => {
    const { scheduler, instances } = given();
    expect(scheduler.snapshot(instances, 10)).toEqual({
      strategy: 'fifo',
      queued: 4,
      inFlight: 4,
      queueDepth: { 'agent:a@1.0.0': 1, 'capability:review': 1, 'capability:summarise': 1, 'capability:translate': 1 },
      byTenant: { acme: { queued: 3, inFlight: 4 }, zeta: { queued: 1, inFlight: 0 } },
      breakers: [
        { instanceId: 'r-1', state: 'open', consecutiveFailures: 1 },
        { instanceId: 's-1', state: 'closed', consecutiveFailures: 0 },
        { instanceId: 's-2', state: 'closed', consecutiveFailures: 0 },
      ],
    });
  });

  it('given an agent pinned with a capability it lacks, when asked why it waits, then both show in the reason', () => {
    const scheduler = new Scheduler();
    scheduler.enqueue(task('t1', { target: { capability: 'translate', agent: { name: 'summariser' } } }));
    expect(scheduler.waiting([instance('s-1')], 0)).toEqual([{ task: task('t1', { target: { capability: 'translate', agent: { name: 'summariser' } } }), reason: 'no live instance of agent summariser with capability "translate"' }]);
  });
});
