import { JetStreamClientProxy, NatsConnector, bootstrapNats } from '@agentos/messaging';
import { overrun, type Budgets } from '@agentos/policy-engine';
import { startNatsServer, type NatsServerHandle } from '@agentos/testing';
import { randomUUID } from 'node:crypto';
import { BudgetLedger, type Crossing } from './budget-ledger';

const budgets: Budgets = { tenant: { steps: 3 } };
const crossing: Crossing = (before, after) => (overrun(budgets, 'tenant', before) ? undefined : overrun(budgets, 'tenant', after));
const step = { tokens: 0, cost: 0, steps: 1 };

describe('BudgetLedger on a real nats-server', () => {
  let nats: NatsServerHandle;
  const connectors: NatsConnector[] = [];
  /** Each ledger on its own connection, like policy replicas on different hosts. */
  const replica = () => {
    const connector = new NatsConnector({ servers: nats.url, name: `budget-ledger-spec-${connectors.length}` });
    connectors.push(connector);
    return new BudgetLedger({ unwrap: () => connector } as unknown as JetStreamClientProxy);
  };

  beforeAll(async () => {
    nats = await startNatsServer();
    await bootstrapNats({ servers: nats.url, name: 'budget-ledger-spec-bootstrap' });
  });
  afterAll(async () => {
    await Promise.all(connectors.map((c) => c.close()));
    await nats.stop();
  });

  it('given the charge that reached a limit, when it is redelivered (to any replica), then it reaches it again and counts nothing twice', async () => {
    const [a, b] = [replica(), replica()];
    const tenant = `t-${randomUUID()}`;
    const usages = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    expect(await a.add('tenant', tenant, usages[0], step, crossing)).toBeUndefined();
    expect(await a.add('tenant', tenant, usages[1], step, crossing)).toBeUndefined();
    const reached = { scope: 'tenant', metric: 'steps', used: 3, limit: 3 };
    expect(await a.add('tenant', tenant, usages[2], step, crossing)).toEqual(reached);
    // The handler failed after counting (say, its other account's write), and the message comes back, here or elsewhere.
    expect(await a.add('tenant', tenant, usages[2], step, crossing)).toEqual(reached);
    expect(await b.add('tenant', tenant, usages[2], step, crossing)).toEqual(reached);
    // Past the limit: nothing more is announced, and each charge counts once.
    expect(await b.add('tenant', tenant, usages[3], step, crossing)).toBeUndefined();
    expect(await a.spent('tenant', tenant)).toEqual(expect.objectContaining({ steps: 4 }));
  });
});
