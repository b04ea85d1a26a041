import { JetStreamClientProxy, type NatsConnector } from '@agentos/messaging';
import { bucketKey, take, type Bucket, type PolicyRequest, type RateLimit } from '@agentos/policy-engine';
import { Injectable } from '@nestjs/common';

const BUCKET = 'agentos_rate_limits';
const MAX_CAS_ATTEMPTS = 10;

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
    const kv = await this.connector.kv(BUCKET, { history: 1 });
    for (let attempt = 1; ; attempt += 1) {
      const entry = await kv.get(key);
      const current = entry?.operation === 'PUT' ? entry.json<Bucket>() : undefined;
      const { allowed, bucket } = take(limit, current, now);
      try {
        if (entry?.operation === 'PUT') await kv.update(key, JSON.stringify(bucket), entry.revision);
        else await kv.create(key, JSON.stringify(bucket));
        return allowed;
      } catch (error) {
        // Another instance drew from the same bucket between our read and write: read again.
        if (attempt >= MAX_CAS_ATTEMPTS) throw error;
      }
    }
  }
}
