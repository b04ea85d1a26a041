import { JetStreamClientProxy, NatsConnector } from '@agentos/messaging';
import type { PolicyRequest, RateLimit } from '@agentos/policy-engine';
import { startNatsServer, type NatsServerHandle } from '@agentos/testing';
import { randomUUID } from 'node:crypto';
import { RateLimiter } from './rate-limiter';

const limit: RateLimit = { id: 'two-at-once', actions: ['intent.submit'], per: 'tenant', capacity: 2, refillPerSecond: 0 };
const request = (requestId: string): PolicyRequest => ({
  tenant: 'acme',
  at: '2026-01-01T00:00:00.000Z',
  check: { requestId, action: 'intent.submit', subject: { owner: 'alice' }, resource: { kind: 'capability', name: 'summarise' }, context: {} },
});

describe('RateLimiter on a real nats-server (policy replicas draw from the same buckets)', () => {
  let nats: NatsServerHandle;
  const connectors: NatsConnector[] = [];
  /** Each limiter on its own connection, like policy replicas on different hosts. */
  const replica = () => {
    const connector = new NatsConnector({ servers: nats.url, name: `rate-limiter-spec-${connectors.length}` });
    connectors.push(connector);
    return new RateLimiter({ unwrap: () => connector } as unknown as JetStreamClientProxy);
  };

  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await Promise.all(connectors.map((c) => c.close()));
    await nats.stop();
  });

  it('given a check redelivered to another replica, when it is decided again, then it gets its first answer and takes no second token', async () => {
    const [a, b] = [replica(), replica()];
    const [first, second, third] = [randomUUID(), randomUUID(), randomUUID()];
    expect(await a.consume([limit], request(first))).toBeUndefined();
    expect(await b.consume([limit], request(first))).toBeUndefined(); // the redelivery: allowed again, no token taken
    expect(await b.consume([limit], request(second))).toBeUndefined(); // so the second token is still there
    expect((await a.consume([limit], request(third)))?.id).toBe('two-at-once');
    expect((await b.consume([limit], request(third)))?.id).toBe('two-at-once'); // refused again, as first answered
  });

  it('given many checks at once across replicas, when eight race for five tokens, then exactly five are allowed', async () => {
    const replicas = [replica(), replica(), replica()];
    const wide = { ...limit, id: 'five-at-once', capacity: 5 };
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => replicas[i % 3].consume([wide], request(randomUUID()))));
    expect(outcomes.filter((refused) => refused === undefined)).toHaveLength(5);
  });
});
