import { Scheduler } from './scheduler';
import { fifo, priority, type QueuedEntry, type SchedulingStrategy } from './strategy';
import { instance, pairs, runToEmpty, task } from './test-fixtures';

const one = [instance('i-1')];
const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

describe('Scheduler: order', () => {
  it('given mixed priorities and tenants, when fifo schedules on one slot, then tasks run in enqueue order', () => {
    const scheduler = new Scheduler({ strategy: fifo });
    scheduler.enqueue(task('t1', { priority: 'low', tenant: 'zeta' }));
    scheduler.enqueue(task('t2', { priority: 'high' }));
    scheduler.enqueue(task('t3', { priority: 'normal', tenant: 'zeta' }));
    scheduler.enqueue(task('t4', { priority: 'high' }));
    expect(runToEmpty(scheduler, one)).toEqual(['t1', 't2', 't3', 't4']);
  });

  it('given mixed priorities, when priority schedules on one slot, then high before normal before low, FIFO within each', () => {
    const scheduler = new Scheduler({ strategy: priority });
    for (const [id, p] of [['l1', 'low'], ['n1', 'normal'], ['h1', 'high'], ['n2', 'normal'], ['h2', 'high'], ['l2', 'low']] as const) scheduler.enqueue(task(id, { priority: p }));
    expect(runToEmpty(scheduler, one)).toEqual(['h1', 'h2', 'n1', 'n2', 'l1', 'l2']);
  });

  it('given tenant acme floods 20 tasks before zeta adds 3, when fair-share runs them one at a time, then they interleave', () => {
    const scheduler = new Scheduler(); // fair-share is the default
    for (const id of range('a', 20)) scheduler.enqueue(task(id, { tenant: 'acme' }));
    for (const id of range('z', 3)) scheduler.enqueue(task(id, { tenant: 'zeta' }));
    const order = runToEmpty(scheduler, one);
    expect(order).toEqual(['a1', 'z1', 'a2', 'z2', 'a3', 'z3', ...range('a', 20).slice(3)]);
    expect(order.slice(0, 6).filter((id) => id.startsWith('z'))).toHaveLength(3);
    expect(scheduler.snapshot(one, 0).strategy).toBe('fair-share');
  });

  it('given the same flood, when fifo runs it, then zeta waits behind all of acme (what fair-share prevents)', () => {
    const scheduler = new Scheduler({ strategy: fifo });
    for (const id of range('a', 20)) scheduler.enqueue(task(id, { tenant: 'acme' }));
    for (const id of range('z', 3)) scheduler.enqueue(task(id, { tenant: 'zeta' }));
    expect(runToEmpty(scheduler, one).indexOf('z1')).toBe(20);
  });

  it('given two tenants and four free slots, when fair-share plans once, then the slots alternate between tenants', () => {
    const scheduler = new Scheduler();
    for (const id of range('a', 5)) scheduler.enqueue(task(id, { tenant: 'acme' }));
    scheduler.enqueue(task('z1', { tenant: 'zeta', priority: 'low' }));
    scheduler.enqueue(task('z2', { tenant: 'zeta', priority: 'high' }));
    expect(pairs(scheduler.plan([instance('i-1', { concurrency: 4 })], 0))).toEqual(['a1->i-1', 'z2->i-1', 'a2->i-1', 'z1->i-1']);
  });

  it('given a strategy that returns a task it was not offered, when planning, then it fails loudly', () => {
    const rogue: SchedulingStrategy = { name: 'rogue', next: (candidates) => ({ ...candidates[0] }) as QueuedEntry };
    const scheduler = new Scheduler({ strategy: rogue });
    scheduler.enqueue(task('t1'));
    expect(() => scheduler.plan(one, 0)).toThrow('scheduling strategy "rogue" picked a task that was not a candidate');
  });
});

describe('Scheduler: capacity and matching', () => {
  it('given instances of concurrency 1, 2 and 3, when tasks finish in a scrambled order, then no instance ever exceeds its concurrency', () => {
    const instances = [instance('i-1'), instance('i-2', { concurrency: 2 }), instance('i-3', { concurrency: 3 })];
    const scheduler = new Scheduler();
    for (let i = 0; i < 60; i += 1) scheduler.enqueue(task(`t${i}`, { tenant: `tenant-${i % 4}`, priority: (['low', 'normal', 'high'] as const)[i % 3] }));
    let seed = 42; // deterministic pseudo-random finishing order
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const ran: string[] = [];
    let inFlight: string[] = [];
    for (let round = 0; round < 500 && ran.length < 60; round += 1) {
      const dispatched = scheduler.plan(instances, round);
      if (round === 0) expect(dispatched).toHaveLength(6); // capacity is used, not just respected
      ran.push(...dispatched.map((d) => d.task.taskId));
      inFlight.push(...dispatched.map((d) => d.task.taskId));
      for (const i of instances) expect(scheduler.inFlightOn(i.instanceId).length).toBeLessThanOrEqual(i.concurrency);
      // Finish a random subset of what is running; the rest keeps its slots into the next round.
      const stillRunning: string[] = [];
      for (const id of inFlight) {
        if (random() < 0.4) scheduler.finished(id, 'succeeded', round);
        else stillRunning.push(id);
      }
      inFlight = stillRunning;
    }
    expect(new Set(ran).size).toBe(60);
    expect(ran).toHaveLength(60); // each task ran exactly once
  });

  it('given several versions, when tasks pin nothing, a name, a version or a missing version, then the right instance is chosen', () => {
    const scheduler = new Scheduler({ strategy: fifo });
    const instances = [
      instance('old', { version: '1.9.0', concurrency: 5 }),
      instance('new', { version: '1.10.0', concurrency: 5 }),
      instance('rc', { version: '1.10.0-rc.1', concurrency: 5 }),
      instance('writer', { name: 'writer', version: '9.0.0', capabilities: ['write'], concurrency: 5 }),
    ];
    scheduler.enqueue(task('by-capability'));
    scheduler.enqueue(task('by-name', { target: { agent: { name: 'summariser' } } }));
    scheduler.enqueue(task('by-version', { target: { capability: 'summarise', agent: { name: 'summariser', version: '1.9.0' } } }));
    scheduler.enqueue(task('by-rc', { target: { agent: { name: 'summariser', version: '1.10.0-rc.1' } } }));
    scheduler.enqueue(task('missing', { target: { agent: { name: 'summariser', version: '3.0.0' } } }));
    expect(pairs(scheduler.plan(instances, 0))).toEqual(['by-capability->new', 'by-name->new', 'by-version->old', 'by-rc->rc']);
    expect(scheduler.snapshot(instances, 0).queueDepth).toEqual({ 'agent:summariser@3.0.0': 1 });
  });

  it('given two instances of one version, when tasks are planned, then the one with more free slots wins, instanceId breaks ties', () => {
    const scheduler = new Scheduler({ strategy: fifo });
    for (const id of range('t', 4)) scheduler.enqueue(task(id));
    expect(pairs(scheduler.plan([instance('i-b', { concurrency: 3 }), instance('i-a')], 0))).toEqual(['t1->i-b', 't2->i-b', 't3->i-a', 't4->i-b']);
  });

  it('given a kill switch on one instance, when planning, then vetoed pairs are never dispatched', () => {
    const scheduler = new Scheduler({ strategy: fifo });
    for (const id of range('t', 3)) scheduler.enqueue(task(id));
    const excluded = (_: unknown, i: { instanceId: string }) => i.instanceId === 'i-a';
    expect(pairs(scheduler.plan([instance('i-a'), instance('i-b')], 0, { excluded }))).toEqual(['t1->i-b']);
    expect(scheduler.snapshot([], 0).queued).toBe(2);
  });

  it('given a vetoed task at the head of its group, when planning, then the tasks behind it still run', () => {
    const scheduler = new Scheduler({ strategy: fifo });
    scheduler.enqueue(task('killed', { workflowId: 'wf-killed' }));
    scheduler.enqueue(task('t2'));
    scheduler.enqueue(task('t3'));
    const excluded = (t: { workflowId: string }) => t.workflowId === 'wf-killed';
    expect(pairs(scheduler.plan([instance('i-1', { concurrency: 5 })], 0, { excluded }))).toEqual(['t2->i-1', 't3->i-1']);
    expect(pairs(scheduler.plan([instance('i-1', { concurrency: 5 })], 1))).toEqual(['killed->i-1']); // veto lifted
  });

  it('given every slot taken, when planning again, then nothing is dispatched and the queue depth shows the backlog', () => {
    const scheduler = new Scheduler({ strategy: fifo });
    const instances = [instance('i-1', { concurrency: 2 }), instance('i-2', { concurrency: 2 })];
    for (const id of range('t', 6)) scheduler.enqueue(task(id));
    scheduler.enqueue(task('pinned', { tenant: 'zeta', target: { agent: { name: 'x', version: '1.0.0' } } }));
    // Spread by free slots: each instance gets two.
    expect(pairs(scheduler.plan(instances, 0))).toEqual(['t1->i-1', 't2->i-2', 't3->i-1', 't4->i-2']);
    expect(scheduler.plan(instances, 1)).toEqual([]);
    expect(scheduler.snapshot(instances, 1)).toMatchObject({
      queued: 3,
      inFlight: 4,
      queueDepth: { 'agent:x@1.0.0': 1, 'capability:summarise': 2 },
      byTenant: { acme: { queued: 2, inFlight: 4 }, zeta: { queued: 1, inFlight: 0 } },
    });
    scheduler.finished('t2', 'succeeded', 2);
    expect(pairs(scheduler.plan(instances, 2))).toEqual(['t5->i-2']);
  });

  it('given a registry listing one instance twice, when planning, then its slots are not doubled and the first listing counts', () => {
    const scheduler = new Scheduler();
    for (const id of range('t', 3)) scheduler.enqueue(task(id));
    expect(scheduler.plan([instance('i-1'), instance('i-1'), instance('i-1', { concurrency: 3 })], 0)).toHaveLength(1);
  });

  it('given one instance filled by one group, when other groups waited for it, then they step aside and another target still gets its slot', () => {
    const scheduler = new Scheduler({ strategy: fifo });
    scheduler.enqueue(task('a1', { tenant: 'acme' }));
    scheduler.enqueue(task('z1', { tenant: 'zeta' }));
    scheduler.enqueue(task('w1', { target: { capability: 'write' } }));
    const instances = [instance('s'), instance('w', { name: 'writer', capabilities: ['write'] })];
    expect(pairs(scheduler.plan(instances, 0))).toEqual(['a1->s', 'w1->w']);
  });

  it('given 10 000 queued tasks and 50 instances, when planning, then the strategy sees one head per group and stops when full', () => {
    const calls: number[] = [];
    const counting: SchedulingStrategy = { name: 'counting', next: (candidates, view) => (calls.push(candidates.length), priority.next(candidates, view)) };
    const scheduler = new Scheduler({ strategy: counting });
    for (let i = 0; i < 10_000; i += 1) scheduler.enqueue(task(`t${i}`, { tenant: `tenant-${i % 5}`, priority: (['low', 'normal', 'high'] as const)[i % 3] }));
    const instances = Array.from({ length: 50 }, (_, i) => instance(`i-${String(i).padStart(2, '0')}`, { concurrency: 2 }));
    // A kill switch on tenant-0: its 2 000 tasks must each be checked once per instance, not again at every dispatch.
    let vetoChecks = 0;
    const dispatched = scheduler.plan(instances, 0, { excluded: (t) => (vetoChecks++, t.tenant === 'tenant-0') });
    expect(dispatched).toHaveLength(100);
    expect(dispatched.filter((d) => d.task.tenant === 'tenant-0')).toEqual([]);
    expect(calls).toHaveLength(100);
    expect(Math.max(...calls)).toBe(12); // 4 runnable tenants × 3 priorities, not 10 000
    // Each vetoed task once per instance (2 000 × 50) plus a little per dispatch; re-scanning the
    // vetoed tasks whenever an instance fills up would take about 2 500 000 checks.
    expect(vetoChecks).toBeLessThanOrEqual(2_000 * 50 + 10_000);
    calls.length = 0;
    expect(scheduler.plan(instances, 1)).toEqual([]);
    expect(calls).toEqual([]); // full: returns before looking at the queue
  });
});

describe('Scheduler: task lifecycle', () => {
  it('given a task id, when it is enqueued again while queued, in flight, finished or removed, then it is refused', () => {
    const scheduler = new Scheduler();
    expect(scheduler.enqueue(task('t1'))).toBe(true);
    expect(scheduler.enqueue(task('t1', { priority: 'high' }))).toBe(false);
    scheduler.plan(one, 0);
    expect(scheduler.enqueue(task('t1'))).toBe(false);
    scheduler.finished('t1', 'succeeded', 1);
    expect(scheduler.enqueue(task('t1'))).toBe(false);
    scheduler.enqueue(task('t2'));
    scheduler.remove('t2');
    expect(scheduler.enqueue(task('t2'))).toBe(false);
    expect(scheduler.snapshot(one, 1)).toMatchObject({ queued: 0, inFlight: 0 });
  });

  it('given more finished tasks than it remembers, then the oldest ids are forgotten and the newest still refused (memory stays bounded)', () => {
    const scheduler = new Scheduler({ strategy: fifo, finishedMemory: 2 });
    for (const id of range('t', 3)) {
      scheduler.enqueue(task(id));
      scheduler.plan(one, 0);
      scheduler.finished(id, 'succeeded', 1);
    }
    expect(range('t', 3).map((id) => scheduler.enqueue(task(id)))).toEqual([true, false, false]);
  });

  it('given tasks in flight on an instance that goes down, when requeued, then they keep their place and free the slot', () => {
    const scheduler = new Scheduler({ strategy: fifo });
    for (const id of range('t', 4)) scheduler.enqueue(task(id));
    expect(pairs(scheduler.plan([instance('i-1', { concurrency: 2 })], 0))).toEqual(['t1->i-1', 't2->i-1']);
    scheduler.requeue('t2');
    scheduler.requeue('t1');
    expect(scheduler.inFlightOn('i-1')).toEqual([]);
    expect(pairs(scheduler.plan([instance('i-2', { concurrency: 4 })], 1))).toEqual(['t1->i-2', 't2->i-2', 't3->i-2', 't4->i-2']);
    expect(scheduler.breakerTransitions(2)).toEqual([]);
    expect(scheduler.snapshot([instance('i-1', { concurrency: 2 })], 2).breakers).toEqual([{ instanceId: 'i-1', state: 'closed', consecutiveFailures: 0 }]);
  });

  it('given a workflow with queued and running tasks, when it is removed, then queued ones go and the running one keeps its slot until it reports', () => {
    const scheduler = new Scheduler({ strategy: fifo });
    for (const id of ['w1a', 'w1b', 'w1c']) scheduler.enqueue(task(id, { workflowId: 'wf-1' }));
    scheduler.enqueue(task('w2a', { workflowId: 'wf-2' }));
    expect(pairs(scheduler.plan(one, 0))).toEqual(['w1a->i-1']);
    scheduler.removeWorkflow('wf-1');
    expect(scheduler.snapshot(one, 1)).toMatchObject({ queued: 1, inFlight: 1, queueDepth: { 'capability:summarise': 1 } });
    expect(scheduler.plan(one, 1)).toEqual([]);
    expect(scheduler.enqueue(task('w1b', { workflowId: 'wf-1' }))).toBe(false);
    scheduler.requeue('w1a'); // its instance went down: the slot frees, but the ended workflow's task is dropped
    expect(scheduler.snapshot(one, 2)).toMatchObject({ queued: 1, inFlight: 0 });
    expect(pairs(scheduler.plan(one, 2))).toEqual(['w2a->i-1']);
  });

  it('given a workflow with queued and running tasks, when it is handed over to another scheduler, then both leave, the slot frees, and it may come back', () => {
    const scheduler = new Scheduler({ strategy: fifo });
    for (const id of ['w1a', 'w1b']) scheduler.enqueue(task(id, { workflowId: 'wf-1' }));
    scheduler.enqueue(task('w2a', { workflowId: 'wf-2' }));
    expect(pairs(scheduler.plan(one, 0))).toEqual(['w1a->i-1']);
    scheduler.handOver('wf-1');
    expect(scheduler.snapshot(one, 1)).toMatchObject({ queued: 1, inFlight: 0 });
    expect(pairs(scheduler.plan(one, 1))).toEqual(['w2a->i-1']);
    // Taken back later (the partition returned): restored in flight and queued again, not refused as finished.
    scheduler.finished('w2a', 'succeeded', 2);
    scheduler.restoreInFlight(task('w1a', { workflowId: 'wf-1' }), 'i-1');
    expect(scheduler.enqueue(task('w1b', { workflowId: 'wf-1' }))).toBe(true);
    expect(scheduler.snapshot(one, 3)).toMatchObject({ queued: 1, inFlight: 1 });
    expect(scheduler.breakerTransitions(3)).toEqual([]);
  });

  it('given a task requeued after its instance vanished, when its late result arrives, then it leaves the queue and does not run again', () => {
    const scheduler = new Scheduler({ strategy: fifo });
    scheduler.enqueue(task('t1'));
    scheduler.enqueue(task('t2'));
    scheduler.plan(one, 0);
    scheduler.requeue('t1');
    expect(scheduler.finished('t1', 'succeeded', 1)).toEqual([]);
    expect(pairs(scheduler.plan(one, 1))).toEqual(['t2->i-1']);
    expect(scheduler.enqueue(task('t1'))).toBe(false);
  });

  it('given a removed task still in flight, when its instance goes down, then it is dropped instead of requeued', () => {
    const scheduler = new Scheduler();
    scheduler.enqueue(task('t1'));
    scheduler.plan(one, 0);
    scheduler.remove('t1');
    scheduler.requeue('t1');
    expect(scheduler.snapshot(one, 1)).toMatchObject({ queued: 0, inFlight: 0 });
    expect(scheduler.plan(one, 1)).toEqual([]);
  });

  it('given a task restored in flight after a restart, when planning, then it counts against the instance capacity', () => {
    const scheduler = new Scheduler({ strategy: fifo });
    const instances = [instance('i-1', { concurrency: 2 })];
    scheduler.restoreInFlight(task('r1', { tenant: 'zeta' }), 'i-1');
    for (const id of range('t', 3)) scheduler.enqueue(task(id));
    expect(scheduler.enqueue(task('r1'))).toBe(false);
    expect(pairs(scheduler.plan(instances, 0))).toEqual(['t1->i-1']);
    expect(scheduler.inFlightOn('i-1')).toEqual(['r1', 't1']);
    expect(scheduler.snapshot(instances, 0).byTenant).toEqual({ acme: { queued: 2, inFlight: 1 }, zeta: { queued: 0, inFlight: 1 } });
    scheduler.finished('r1', 'succeeded', 1);
    expect(pairs(scheduler.plan(instances, 1))).toEqual(['t2->i-1']);
  });

  it('given a queued task, when it is restored in flight, then it leaves the queue instead of running twice', () => {
    const scheduler = new Scheduler();
    scheduler.enqueue(task('t1'));
    scheduler.restoreInFlight(task('t1'), 'i-1');
    expect(scheduler.plan([instance('i-1', { concurrency: 3 })], 0)).toEqual([]);
    expect(scheduler.inFlightOn('i-1')).toEqual(['t1']);
  });

  it('given a removed task in flight, when it is restored onto another instance, then it moves there and stays removed', () => {
    const scheduler = new Scheduler();
    scheduler.enqueue(task('t1'));
    scheduler.plan(one, 0);
    scheduler.remove('t1');
    scheduler.restoreInFlight(task('t1'), 'i-2');
    expect([scheduler.inFlightOn('i-1'), scheduler.inFlightOn('i-2')]).toEqual([[], ['t1']]);
    scheduler.requeue('t1');
    expect(scheduler.snapshot(one, 1)).toMatchObject({ queued: 0, inFlight: 0 });
  });

  it('given a task with neither capability nor agent, when enqueued, then it is rejected', () => {
    expect(() => new Scheduler().enqueue(task('t1', { target: {} }))).toThrow('task t1 names neither a capability nor an agent');
  });
});

describe('Scheduler: tenants and their agents', () => {
  it("given a tenant's agent and a platform agent, when both tenants queue work, then the tenant's agent runs only its tenant's tasks", () => {
    const scheduler = new Scheduler({ strategy: fifo });
    const acmeOnly = instance('acme-1', { tenant: 'acme' });
    const platform = instance('shared-1', { tenant: 'system' });
    for (const [id, tenant] of [['a1', 'acme'], ['g1', 'globex'], ['g2', 'globex'], ['a2', 'acme']] as const) scheduler.enqueue(task(id, { tenant }));
    const ranOn = new Map<string, string>();
    for (let dispatches = scheduler.plan([acmeOnly, platform], 0); dispatches.length > 0; dispatches = scheduler.plan([acmeOnly, platform], 0)) {
      for (const { task: t, instance: i } of dispatches) {
        ranOn.set(t.taskId, i.instanceId);
        scheduler.finished(t.taskId, 'succeeded', 0);
      }
    }
    expect([...ranOn.keys()].sort()).toEqual(['a1', 'a2', 'g1', 'g2']);
    expect(['g1', 'g2'].map((id) => ranOn.get(id))).toEqual(['shared-1', 'shared-1']);
  });

  it("given only another tenant's agent, when a task is queued, then it waits rather than run there", () => {
    const scheduler = new Scheduler();
    scheduler.enqueue(task('g1', { tenant: 'globex' }));
    expect(scheduler.plan([instance('acme-1', { tenant: 'acme' })], 0)).toEqual([]);
  });
});
