import { fairShare, fifo, priority, strategies, strategyByName, type QueuedEntry, type SchedulerView } from './strategy';
import { task } from './test-fixtures';

const entry = (taskId: string, seq: number, overrides: Partial<QueuedEntry> = {}): QueuedEntry => ({ ...task(taskId), seq, ...overrides });
const view = (inFlight: Record<string, number> = {}, dispatched: Record<string, number> = {}): SchedulerView => ({
  inFlightByTenant: new Map(Object.entries(inFlight)),
  dispatchedByTenant: new Map(Object.entries(dispatched)),
});

describe('scheduling strategies', () => {
  const lowOld = entry('low-old', 1, { priority: 'low' });
  const highNew = entry('high-new', 9, { priority: 'high' });
  const normalMid = entry('normal-mid', 5, { priority: 'normal' });
  const highNewer = entry('high-newer', 12, { priority: 'high' });

  it('given candidates in any order, when fifo picks, then the lowest seq wins whatever its priority', () => {
    expect(fifo.next([highNew, normalMid, lowOld], view()).taskId).toBe('low-old');
  });

  it('given candidates of every priority, when priority picks, then high beats normal beats low and seq breaks ties', () => {
    expect(priority.next([lowOld, highNewer, normalMid, highNew], view()).taskId).toBe('high-new');
    expect(priority.next([lowOld, normalMid], view()).taskId).toBe('normal-mid');
  });

  it('given two tenants, when fair-share picks, then the tenant with fewer tasks in flight wins even with lower priority and later seq', () => {
    const busy = entry('busy-high', 1, { tenant: 'acme', priority: 'high' });
    const idle = entry('idle-low', 50, { tenant: 'zeta', priority: 'low' });
    expect(fairShare.next([busy, idle], view({ acme: 2, zeta: 1 })).taskId).toBe('idle-low');
  });

  it('given equal tasks in flight, when fair-share picks, then fewest dispatched so far wins, then the tenant name', () => {
    const a = entry('a', 1, { tenant: 'acme' });
    const z = entry('z', 2, { tenant: 'zeta' });
    expect(fairShare.next([a, z], view({ acme: 1, zeta: 1 }, { acme: 5, zeta: 4 })).taskId).toBe('z');
    expect(fairShare.next([z, a], view({}, { acme: 3, zeta: 3 })).taskId).toBe('a');
  });

  it('given one tenant, when fair-share picks, then priority and then seq decide within it', () => {
    const candidates = [entry('n1', 1), entry('h2', 3, { priority: 'high' }), entry('h1', 2, { priority: 'high' })];
    expect(fairShare.next(candidates, view()).taskId).toBe('h1');
  });

  it('given no candidates, when a strategy is asked, then it throws instead of inventing a task', () => {
    expect(() => fifo.next([], view())).toThrow('at least one candidate');
  });

  it('given a configured name, when it is resolved, then the strategy comes back; an unknown name lists the valid ones', () => {
    expect(strategyByName('priority')).toBe(priority);
    expect(strategyByName('fair-share')).toBe(fairShare);
    expect(Object.keys(strategies)).toEqual(['fifo', 'priority', 'fair-share']);
    expect(() => strategyByName('round-robin')).toThrow('unknown scheduling strategy "round-robin"; valid strategies: fifo, priority, fair-share');
    expect(() => strategyByName('toString')).toThrow('unknown scheduling strategy "toString"');
  });
});
