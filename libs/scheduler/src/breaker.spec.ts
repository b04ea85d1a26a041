import { CircuitBreaker, resolveBreakerOptions } from './breaker';

describe('CircuitBreaker', () => {
  it('given a closed breaker, when it fails failureThreshold times in a row, then it opens at the last failure', () => {
    const breaker = new CircuitBreaker('i-1', { failureThreshold: 2, cooldownMs: 100 });
    expect(breaker.record('failed', 10)).toBeUndefined();
    expect(breaker.record('failed', 20)).toEqual({ instanceId: 'i-1', from: 'closed', to: 'open', at: 20, consecutiveFailures: 2 });
    expect([breaker.state, breaker.openedAt]).toEqual(['open', 20]);
  });

  it('given failures below the threshold, when a success comes, then the counter resets and the breaker stays closed', () => {
    const breaker = new CircuitBreaker('i-1', { failureThreshold: 3 });
    breaker.record('failed', 1);
    breaker.record('failed', 2);
    expect(breaker.record('succeeded', 3)).toBeUndefined();
    expect(breaker.consecutiveFailures).toBe(0);
    breaker.record('failed', 4);
    expect(breaker.record('failed', 5)).toBeUndefined();
    expect(breaker.state).toBe('closed');
  });

  it('given an open breaker, when time passes, then it turns half-open exactly at openedAt + cooldownMs', () => {
    const breaker = new CircuitBreaker('i-1', { failureThreshold: 1, cooldownMs: 100 });
    breaker.record('failed', 1_000);
    expect(breaker.tick(1_099)).toBeUndefined();
    expect(breaker.tick(1_100)).toEqual({ instanceId: 'i-1', from: 'open', to: 'half-open', at: 1_100, consecutiveFailures: 1 });
    expect(breaker.tick(5_000)).toBeUndefined(); // already half-open: no repeated transition
  });

  it('given an open breaker, when a late success arrives, then it stays open until the cooldown', () => {
    const breaker = new CircuitBreaker('i-1', { failureThreshold: 1, cooldownMs: 100 });
    breaker.record('failed', 0);
    expect(breaker.record('succeeded', 50)).toBeUndefined();
    expect(breaker.state).toBe('open');
  });

  it('given a half-open breaker, when the probe succeeds, then it closes with the counter reset', () => {
    const breaker = new CircuitBreaker('i-1', { failureThreshold: 1, cooldownMs: 100 });
    breaker.record('failed', 0);
    breaker.tick(100);
    expect(breaker.record('succeeded', 130)).toEqual({ instanceId: 'i-1', from: 'half-open', to: 'closed', at: 130, consecutiveFailures: 0 });
  });

  it('given a half-open breaker, when the probe fails, then it opens again with a new openedAt', () => {
    const breaker = new CircuitBreaker('i-1', { failureThreshold: 1, cooldownMs: 100 });
    breaker.record('failed', 0);
    breaker.tick(100);
    expect(breaker.record('failed', 140)).toEqual({ instanceId: 'i-1', from: 'half-open', to: 'open', at: 140, consecutiveFailures: 2 });
    expect(breaker.openedAt).toBe(140);
    expect(breaker.tick(239)).toBeUndefined();
    expect(breaker.tick(240)?.to).toBe('half-open');
  });

  it('given no options, when built, then the defaults are 3 failures and 5 s; nonsense options are rejected', () => {
    expect(new CircuitBreaker('i-1').options).toEqual({ failureThreshold: 3, cooldownMs: 5_000 });
    expect(resolveBreakerOptions({ cooldownMs: 10 })).toEqual({ failureThreshold: 3, cooldownMs: 10 });
    expect(() => new CircuitBreaker('i-1', { failureThreshold: 0 })).toThrow('failureThreshold must be an integer ≥ 1, got 0');
    expect(() => resolveBreakerOptions({ cooldownMs: -1 })).toThrow('cooldownMs must be a finite number ≥ 0, got -1');
  });
});
