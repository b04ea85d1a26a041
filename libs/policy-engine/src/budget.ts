import type { Spending } from '@agentos/contracts';
import { z } from 'zod';

export type { Spending };

const Limits = z.object({
  tokens: z.number().int().positive().optional(),
  cost: z.number().positive().optional(),
  steps: z.number().int().positive().optional(),
});

/** Spending limits per workflow run and per tenant, across all the agents that work for them. */
export const Budgets = z.object({ workflow: Limits.optional(), tenant: Limits.optional() });
export type Budgets = z.infer<typeof Budgets>;

export type BudgetScope = keyof Budgets;
export type BudgetMetric = 'tokens' | 'cost' | 'steps';

export const NOTHING_SPENT: Spending = { tokens: 0, cost: 0, steps: 0 };

export interface Overrun {
  scope: BudgetScope;
  metric: BudgetMetric;
  used: number;
  limit: number;
}

/** The first limit of this scope that the spending has reached, if any. */
export function overrun(budgets: Budgets, scope: BudgetScope, spent: Spending): Overrun | undefined {
  const limits = budgets[scope] ?? {};
  for (const metric of ['tokens', 'cost', 'steps'] as const) {
    const limit = limits[metric];
    if (limit !== undefined && spent[metric] >= limit) return { scope, metric, used: spent[metric], limit };
  }
  return undefined;
}

export const describeOverrun = (o: Overrun) => `budget spent: ${o.metric} ${o.used} of ${o.limit} for this ${o.scope}`;
