import { BatchedKvUpdates, JetStreamClientProxy, type NatsConnector } from '@agentos/messaging';
import { NOTHING_SPENT, type BudgetScope, type Overrun, type Spending } from '@agentos/policy-engine';
import { Injectable } from '@nestjs/common';

const BUCKET = 'agentos_budgets';
/** Usage ids remembered per account, so a redelivered UsageRecorded is not counted twice. */
const REMEMBERED_USAGE_IDS = 500;

interface Account extends Spending {
  counted: string[];
  /** The last limit reached, and the usage whose charge reached it: announced by that usage's handler, again on its redelivery. */
  exhausted?: Overrun & { by: string };
}

/** The limit a charge reaches, going from `before` to `after`; undefined if it reaches none (or one already reached). */
export type Crossing = (before: Spending, after: Spending) => Overrun | undefined;

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

  /**
   * Adds one usage record (once, by its id). Returns the limit this usage's charge reached, if it reached one: also
   * when the charge was counted before (a redelivery after a failure), so the limit is announced all the same.
   */
  async add(scope: BudgetScope, id: string, usageId: string, usage: Spending, crossing: Crossing): Promise<Overrun | undefined> {
    const { after } = await this.accounts.update(keyOf(scope, id), (current) => {
      const account = current ?? { ...NOTHING_SPENT, counted: [] };
      if (account.counted.includes(usageId)) return account;
      const next: Account = {
        tokens: account.tokens + usage.tokens,
        cost: account.cost + usage.cost,
        steps: account.steps + usage.steps,
        counted: [...account.counted, usageId].slice(-REMEMBERED_USAGE_IDS),
        ...(account.exhausted ? { exhausted: account.exhausted } : {}),
      };
      const reached = crossing(account, next);
      return reached ? { ...next, exhausted: { ...reached, by: usageId } } : next;
    });
    const reached = after.exhausted;
    return reached?.by === usageId ? { scope: reached.scope, metric: reached.metric, used: reached.used, limit: reached.limit } : undefined;
  }
}
