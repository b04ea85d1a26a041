import { JetStreamClientProxy, updateKv, type NatsConnector } from '@agentos/messaging';
import { bucketKey, take, type Bucket, type PolicyRequest, type RateLimit } from '@agentos/policy-engine';
import { Injectable } from '@nestjs/common';

const BUCKET = 'agentos_rate_limits';
/**
 * Requests remembered per bucket with the answer they got. A check redelivered (to this policy replica or
 * another) after its first delivery took a token gets that answer again instead of a second token. A redelivery
 * comes within seconds, so a hundred requests back covers it unless one bucket answers more than that meanwhile.
 */
const REMEMBERED_REQUESTS = 100;

interface StoredBucket extends Bucket {
  answered?: [requestId: string, allowed: boolean][];
}

/**
 * Token buckets kept in JetStream KV and updated by compare-and-set, so every policy instance draws
 * from the same buckets and a restart forgets nothing.
 */
@Injectable()
export class RateLimiter {
  private readonly connector: NatsConnector;

  constructor(bus: JetStreamClientProxy) {
    this.connector = bus.unwrap<NatsConnector>();
  }

  /** Takes a token from every bucket the request draws from; returns the first limit that refused. */
  async consume(limits: readonly RateLimit[], request: PolicyRequest): Promise<RateLimit | undefined> {
    const now = Date.parse(request.at);
    for (const limit of limits) {
      const key = bucketKey(limit, request);
      if (key && !(await this.takeOne(limit, key, request.check.requestId, now))) return limit;
    }
    return undefined;
  }

  private async takeOne(limit: RateLimit, key: string, requestId: string, now: number): Promise<boolean> {
    let allowed = false;
    await updateKv<StoredBucket>(await this.connector.kv(BUCKET), key, (current) => {
      const earlier = current?.answered?.find(([id]) => id === requestId);
      if (earlier) {
        allowed = earlier[1];
        return current!;
      }
      const taken = take(limit, current, now);
      allowed = taken.allowed;
      return { ...taken.bucket, answered: [...(current?.answered ?? []), [requestId, taken.allowed] as [string, boolean]].slice(-REMEMBERED_REQUESTS) };
    });
    return allowed;
  }
}
