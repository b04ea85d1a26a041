import { PolicyAction } from '@agentos/contracts';
import { z } from 'zod';
import type { PolicyRequest } from './evaluate';

export const RateLimit = z.object({
  id: z.string().min(1),
  actions: z.array(PolicyAction).min(1),
  /** Whose bucket a request draws from. */
  per: z.enum(['tenant', 'agent', 'resource']),
  /** Only these tenants' requests are limited (all when absent). */
  tenants: z.array(z.string()).optional(),
  /** The burst: how many requests a full bucket allows at once. */
  capacity: z.number().positive(),
  refillPerSecond: z.number().nonnegative(),
});
export type RateLimit = z.infer<typeof RateLimit>;

export interface Bucket {
  tokens: number;
  /** Epoch milliseconds of the last refill. */
  at: number;
}

/** The bucket a request draws from for this limit, or undefined when the limit does not apply. */
export function bucketKey(limit: RateLimit, request: PolicyRequest): string | undefined {
  if (!limit.actions.includes(request.check.action)) return undefined;
  if (limit.tenants && !limit.tenants.includes(request.tenant)) return undefined;
  const owner = limit.per === 'tenant' ? request.tenant : limit.per === 'agent' ? request.check.subject.agent : request.check.resource.name;
  return owner === undefined ? undefined : `${limit.id}.${Buffer.from(owner).toString('base64url')}`;
}

/** Token-bucket arithmetic, pure: refill for the time passed, then take one token if there is one. */
export function take(limit: RateLimit, bucket: Bucket | undefined, nowMs: number): { allowed: boolean; bucket: Bucket } {
  const start = bucket ?? { tokens: limit.capacity, at: nowMs };
  const elapsed = Math.max(0, nowMs - start.at) / 1000;
  const tokens = Math.min(limit.capacity, start.tokens + elapsed * limit.refillPerSecond);
  return tokens >= 1 ? { allowed: true, bucket: { tokens: tokens - 1, at: nowMs } } : { allowed: false, bucket: { tokens, at: nowMs } };
}
