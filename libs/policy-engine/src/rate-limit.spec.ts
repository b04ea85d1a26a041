import { newId } from '@agentos/contracts';
import { bucketKey, take, type RateLimit } from './rate-limit';

const limit: RateLimit = { id: 'tenant-intents', actions: ['intent.submit'], per: 'tenant', capacity: 3, refillPerSecond: 1 };
const request = (tenant: string, action: 'intent.submit' | 'tool.call' = 'intent.submit') => ({
  tenant,
  at: '2026-11-27T12:00:00.000Z',
  check: { requestId: newId(), action, subject: {}, resource: { kind: 'capability', name: 'x' }, context: {} },
});

describe('token buckets', () => {
  it('given a full bucket, allows a burst of its capacity, then refuses', () => {
    let bucket;
    const results: boolean[] = [];
    for (let i = 0; i < 4; i += 1) {
      const taken = take(limit, bucket, 1_000);
      results.push(taken.allowed);
      bucket = taken.bucket;
    }
    expect(results).toEqual([true, true, true, false]);
  });

  it('given an empty bucket, refills with time, never beyond capacity', () => {
    const empty = { tokens: 0, at: 0 };
    expect(take(limit, empty, 500).allowed).toBe(false);
    expect(take(limit, empty, 1_000)).toEqual({ allowed: true, bucket: { tokens: 0, at: 1_000 } });
    expect(take(limit, empty, 60_000).bucket.tokens).toBe(2);
  });

  it('keys buckets by the limit and its owner, and skips requests it does not cover', () => {
    expect(bucketKey(limit, request('acme'))).toBe(`tenant-intents.${Buffer.from('acme').toString('base64url')}`);
    expect(bucketKey(limit, request('acme'))).not.toBe(bucketKey(limit, request('globex')));
    expect(bucketKey(limit, request('acme', 'tool.call'))).toBeUndefined();
    expect(bucketKey({ ...limit, per: 'agent' }, request('acme'))).toBeUndefined();
    expect(bucketKey({ ...limit, tenants: ['globex'] }, request('acme'))).toBeUndefined();
  });
});
