import { newId } from '@agentos/contracts';
import { NatsConnector, silentLog } from '@agentos/messaging';
import { startNatsServer, type NatsServerHandle } from '@agentos/testing';
import { STEP_LEDGER_BUCKET, StepLedger, type StepClaim, type StepOutcome } from './step-ledger';

const done: StepOutcome = { type: 'TaskCompleted', output: { answer: 42 }, calls: [] };
const broke = (retryable: boolean): StepOutcome => ({ type: 'TaskFailed', error: 'model timed out', retryable, calls: [] });

describe('StepLedger on a real nats-server', () => {
  let nats: NatsServerHandle;
  let connector: NatsConnector;
  const ledger = (owner: string, leaseMs = 300) => new StepLedger(() => connector.kv(STEP_LEDGER_BUCKET), { owner, leaseMs, log: silentLog });
  const step = (attempt = 1, intentId = newId()) => ({ agent: 'summariser', intentId, stepId: 'main', attempt });
  const leaseOf = (claim: StepClaim) => {
    if (claim.kind !== 'run') throw new Error(`expected to run the step, found it ${claim.kind}`);
    return claim.lease;
  };

  beforeAll(async () => {
    nats = await startNatsServer();
    connector = new NatsConnector({ servers: nats.url, name: 'step-ledger-spec' });
  });
  afterAll(async () => {
    await connector.close();
    await nats.stop();
  });

  it('given a step nobody ran, when claimed, then the claimant runs it', async () => {
    leaseOf(await ledger('a').claim(step())).release();
  });

  it('given a step settled as completed, when a redelivery or a later attempt claims it, then the outcome comes back instead of a run', async () => {
    const first = step(1);
    const lease = leaseOf(await ledger('a').claim(first));
    await lease.settle(done);
    lease.release();
    expect(await ledger('a').claim(first)).toEqual({ kind: 'settled', outcome: done });
    expect(await ledger('b').claim({ ...first, attempt: 3 })).toEqual({ kind: 'settled', outcome: done });
  });

  it('given an attempt settled as failed, then its own redelivery gets the failure but the next attempt runs', async () => {
    const first = step(1);
    const lease = leaseOf(await ledger('a').claim(first));
    await lease.settle(broke(true));
    lease.release();
    expect(await ledger('a').claim(first)).toEqual({ kind: 'settled', outcome: broke(true) });
    leaseOf(await ledger('b').claim({ ...first, attempt: 2 })).release();
  });

  it('given a live holder, when another instance claims the step, then it waits and gets the holder outcome', async () => {
    const first = step(1);
    const lease = leaseOf(await ledger('a').claim(first));
    const waiting = ledger('b').claim(first);
    // Three lease periods: the holder's refreshes keep it alive meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 900));
    await lease.settle(done);
    lease.release();
    expect(await waiting).toEqual({ kind: 'settled', outcome: done });
  });

  it('given a holder that died (no refresh), when another instance claims the step, then it takes it over after one lease', async () => {
    const first = step(1);
    leaseOf(await ledger('a').claim(first)).release(); // stops refreshing, as a killed process would
    const started = Date.now();
    const takeover = leaseOf(await ledger('b').claim(first));
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await takeover.settle(done);
    takeover.release();
    expect(await ledger('c').claim({ ...first, attempt: 2 })).toEqual({ kind: 'settled', outcome: done });
  });

  it('given a step given back before its code ran, when claimed again, then it runs at once (no lease to wait out)', async () => {
    const first = step(1);
    await leaseOf(await ledger('a', 5_000).claim(first)).abandon();
    const started = Date.now();
    leaseOf(await ledger('b', 5_000).claim(first)).release();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('given a live holder, when NATS is away for longer than a lease, then a claimant that watched it before does not take the step over', async () => {
    let outage = false;
    let holderBack = true;
    let outageOver = false;
    // While away, every call on the bucket fails as it does while nats-server restarts. The holder comes
    // back just after the claimant has read the entry again, its lease not yet refreshed.
    const bucket = (holder: boolean) => async () => {
      const kv = await connector.kv(STEP_LEDGER_BUCKET);
      return new Proxy(kv, {
        get: (target, name) => {
          const member = Reflect.get(target, name) as unknown;
          if (typeof member !== 'function') return member;
          return (...args: unknown[]) => {
            if (holder ? !holderBack : outage) return Promise.reject(Object.assign(new Error('TIMEOUT'), { code: 'TIMEOUT' }));
            const call = Promise.resolve((member as (...a: unknown[]) => unknown).apply(target, args));
            return holder || !outageOver ? call : call.finally(() => (holderBack = true));
          };
        },
      });
    };
    const first = step(1);
    const lease = leaseOf(await new StepLedger(bucket(true), { owner: 'a', leaseMs: 300, log: silentLog }).claim(first));
    const waiting = new StepLedger(bucket(false), { owner: 'b', leaseMs: 300, log: silentLog }).claim(first);
    await new Promise((resolve) => setTimeout(resolve, 150));
    holderBack = false; // a's refreshes fail first,
    await new Promise((resolve) => setTimeout(resolve, 100)); // b reads a's last revision,
    outage = true; // then b's reads fail too, for longer than a lease
    await new Promise((resolve) => setTimeout(resolve, 700));
    [outage, outageOver] = [false, true];
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // a refreshes again
    await lease.settle(done);
    lease.release();
    expect(await waiting).toEqual({ kind: 'settled', outcome: done });
  });

  it('given a claim waiting for a live holder, when its instance stops, then the claim gives up at once', async () => {
    const first = step(1);
    const lease = leaseOf(await ledger('a').claim(first));
    const stopping = new AbortController();
    const waiting = ledger('b', 5_000).claim(first, stopping.signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    stopping.abort(new Error('instance b stopping'));
    await expect(waiting).rejects.toThrow('instance b stopping');
    lease.release();
  });

  it('given many claimants racing for one step, then exactly one runs it', async () => {
    const first = step(1);
    const claims = await Promise.all(['a', 'b', 'c', 'd', 'e'].map(async (owner) => {
      const claim = await ledger(owner, 5_000).claim(first);
      if (claim.kind === 'run') {
        await claim.lease.settle(done);
        claim.lease.release();
      }
      return claim.kind;
    }));
    expect(claims.filter((kind) => kind === 'run')).toHaveLength(1);
    expect(claims.filter((kind) => kind === 'settled')).toHaveLength(4);
  });

  it('given the bucket cannot be reached, when claimed, then it gives up with a reason after its patience', async () => {
    const unreachable = new StepLedger(() => Promise.reject(new Error('connection refused')), { owner: 'a', leaseMs: 300, log: silentLog, giveUpAfterMs: 200 });
    await expect(unreachable.claim(step())).rejects.toThrow('step ledger unavailable: connection refused');
  });
});
