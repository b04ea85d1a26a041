import { Scheduler } from './scheduler';
import { fifo } from './strategy';
import { instance, pairs, task } from './test-fixtures';

/** One instance with four slots, breaker opening after 2 failures, cooldown 1 s. */
function given(count: number) {
  const scheduler = new Scheduler({ strategy: fifo, breaker: { failureThreshold: 2, cooldownMs: 1_000 } });
  for (let i = 1; i <= count; i += 1) scheduler.enqueue(task(`t${i}`));
  return { scheduler, instances: [instance('i-a', { concurrency: 4 })] };
}

describe('Scheduler: circuit breaker per instance', () => {
  it('given consecutive failures, when the threshold is reached, then the breaker opens and the transition is reported', () => {
    const { scheduler, instances } = given(8);
    expect(scheduler.plan(instances, 0)).toHaveLength(4);
    expect(scheduler.finished('t1', 'failed', 10)).toEqual([]);
    expect(scheduler.finished('t2', 'failed', 20)).toEqual([{ instanceId: 'i-a', from: 'closed', to: 'open', at: 20, consecutiveFailures: 2 }]);
    expect(scheduler.snapshot(instances, 20).breakers).toEqual([{ instanceId: 'i-a', state: 'open', consecutiveFailures: 2 }]);
  });

  it('given an open breaker, when planning before the cooldown, then its instance is skipped and others still get work', () => {
    const { scheduler, instances } = given(8);
    scheduler.plan(instances, 0);
    scheduler.finished('t1', 'failed', 10);
    scheduler.finished('t2', 'failed', 20); // opens; two slots of i-a are free but must stay unused
    expect(scheduler.plan(instances, 30)).toEqual([]);
    expect(scheduler.plan(instances, 1_019)).toEqual([]);
    expect(pairs(scheduler.plan([...instances, instance('i-b')], 1_019))).toEqual(['t5->i-b']);
  });

  it('given the cooldown has passed, when planning, then the half-open instance gets exactly one probe and closes when it succeeds', () => {
    const { scheduler, instances } = given(8);
    scheduler.plan(instances, 0);
    scheduler.finished('t1', 'failed', 10);
    scheduler.finished('t2', 'failed', 20);
    expect(scheduler.breakerTransitions(1_020)).toEqual([{ instanceId: 'i-a', from: 'open', to: 'half-open', at: 1_020, consecutiveFailures: 2 }]);
    expect(pairs(scheduler.plan(instances, 1_020))).toEqual(['t5->i-a']); // 2 slots free, 1 probe
    expect(scheduler.plan(instances, 1_021)).toEqual([]);
    expect(scheduler.waiting(instances, 1_021)[0].reason).toBe('all 1 instance of capability "summarise" busy (3/4 slots); 1 half-open (one probe at a time)');
    // t3 was sent before the circuit opened: its success says nothing about recovery.
    expect(scheduler.finished('t3', 'succeeded', 1_030)).toEqual([]);
    expect(scheduler.plan(instances, 1_030)).toEqual([]);
    expect(scheduler.finished('t5', 'succeeded', 1_100)).toEqual([{ instanceId: 'i-a', from: 'half-open', to: 'closed', at: 1_100, consecutiveFailures: 0 }]);
    expect(pairs(scheduler.plan(instances, 1_100))).toEqual(['t6->i-a', 't7->i-a', 't8->i-a']); // full capacity again (t4 still runs)
  });

  it('given a half-open probe, when it fails, then the breaker re-opens from that moment and the next probe waits a full cooldown', () => {
    const scheduler = new Scheduler({ strategy: fifo, breaker: { failureThreshold: 1, cooldownMs: 100 } });
    const instances = [instance('i-a', { concurrency: 2 })];
    for (const id of ['t1', 't2', 't3']) scheduler.enqueue(task(id));
    expect(pairs(scheduler.plan(instances, 0))).toEqual(['t1->i-a', 't2->i-a']);
    scheduler.requeue('t2');
    expect(scheduler.finished('t1', 'failed', 0)).toEqual([{ instanceId: 'i-a', from: 'closed', to: 'open', at: 0, consecutiveFailures: 1 }]);
    expect(scheduler.plan(instances, 99)).toEqual([]);
    expect(pairs(scheduler.plan(instances, 100))).toEqual(['t2->i-a']);
    // plan applied open → half-open itself; the transition is kept for the next report, not lost.
    expect(scheduler.breakerTransitions(100)).toEqual([{ instanceId: 'i-a', from: 'open', to: 'half-open', at: 100, consecutiveFailures: 1 }]);
    expect(scheduler.breakerTransitions(100)).toEqual([]);
    expect(scheduler.finished('t2', 'failed', 150)).toEqual([{ instanceId: 'i-a', from: 'half-open', to: 'open', at: 150, consecutiveFailures: 2 }]);
    expect(scheduler.plan(instances, 249)).toEqual([]);
    expect(pairs(scheduler.plan(instances, 250))).toEqual(['t3->i-a']);
  });

  it('given a probe whose instance goes down, when it is requeued, then the probe slot is free again and the breaker is untouched', () => {
    const scheduler = new Scheduler({ strategy: fifo, breaker: { failureThreshold: 1, cooldownMs: 100 } });
    const instances = [instance('i-a', { concurrency: 3 })];
    for (const id of ['t1', 't2', 't3']) scheduler.enqueue(task(id));
    scheduler.plan([instance('i-a')], 0);
    scheduler.finished('t1', 'failed', 0);
    expect(pairs(scheduler.plan(instances, 100))).toEqual(['t2->i-a']);
    scheduler.requeue('t2');
    expect(scheduler.breakerTransitions(101)).toEqual([{ instanceId: 'i-a', from: 'open', to: 'half-open', at: 100, consecutiveFailures: 1 }]);
    expect(pairs(scheduler.plan(instances, 101))).toEqual(['t2->i-a']); // same task, same place, still one probe
    expect(scheduler.snapshot(instances, 101).breakers).toEqual([{ instanceId: 'i-a', state: 'half-open', consecutiveFailures: 1 }]);
  });

  it('given failures interrupted by a success, when counted, then the breaker stays closed', () => {
    const { scheduler, instances } = given(4);
    scheduler.plan(instances, 0);
    expect([
      scheduler.finished('t1', 'failed', 1),
      scheduler.finished('t2', 'succeeded', 2),
      scheduler.finished('t3', 'failed', 3),
    ]).toEqual([[], [], []]);
    expect(scheduler.snapshot(instances, 3).breakers).toEqual([{ instanceId: 'i-a', state: 'closed', consecutiveFailures: 1 }]);
  });
});
