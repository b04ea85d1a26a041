import { BatchedKvUpdates, JetStreamClientProxy, type NatsConnector } from '@agentos/messaging';
import { NOTHING_SPENT, type BudgetScope, type Spending } from '@agentos/policy-engine';
import { Injectable } from '@nestjs/common';

const BUCKET = 'agentos_budgets';
/** Usage ids remembered per account, so a redelivered UsageRecorded is not counted twice. */
const REMEMBERED_USAGE_IDS = 500;

interface Account extends Spending {
  counted: string[];
}

const keyOf = (scope: BudgetScope, id: string) => `${scope}.${Buffer.from(id).toString('base64url')}`;

/** What each workflow run and tenant has spent, in JetStream KV, updated by compare-and-set. */
@Injectable()
export class BudgetLedger {
  private readonly connector: NatsConnector;
  /** Every completion charges its tenant's account: batched, so one tenant's concurrent charges are not a queue of compare-and-sets. */
  private readonly accounts: BatchedKvUpdates<Account>;

  constructor(bus: JetStreamClientProxy) {
    this.connector = bus.unwrap<NatsConnector>();
    this.accounts = new BatchedKvUpdates(() => this.connector.kv(BUCKET));
  }

  async spent(scope: BudgetScope, id: string): Promise<Spending> {
    const entry = await (await this.connector.kv(BUCKET)).get(keyOf(scope, id));
    return entry?.operation === 'PUT' ? entry.json<Account>() : NOTHING_SPENT;
  }

  /** Adds one usage record (once, by its id); returns the totals before and after, from one consistent read. */
  async add(scope: BudgetScope, id: string, usageId: string, usage: Spending): Promise<{ before: Spending; after: Spending }> {
    const { before, after } = await this.accounts.update(keyOf(scope, id), (current) => {
      const account = current ?? { ...NOTHING_SPENT, counted: [] };
      if (account.counted.includes(usageId)) return account;
      return {
        tokens: account.tokens + usage.tokens,
        cost: account.cost + usage.cost,
        steps: account.steps + usage.steps,
        counted: [...account.counted, usageId].slice(-REMEMBERED_USAGE_IDS),
      };
    });
    return { before: before ?? NOTHING_SPENT, after };
  }
}
