import { JetStreamClientProxy, updateKv, type NatsConnector } from '@agentos/messaging';
import { bucketKey, take, type Bucket, type PolicyRequest, type RateLimit } from '@agentos/policy-engine';
import { Injectable } from '@nestjs/common';

const BUCKET = 'agentos_rate_limits';

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
      if (key && !(await this.takeOne(limit, key, now))) return limit;
    }
    return undefined;
  }

  private async takeOne(limit: RateLimit, key: string, now: number): Promise<boolean> {
    let allowed = false;
    await updateKv<Bucket>(await this.connector.kv(BUCKET), key, (current) => {
      const taken = take(limit, current, now);
      allowed = taken.allowed;
      return taken.bucket;
    });
    return allowed;
  }
}
