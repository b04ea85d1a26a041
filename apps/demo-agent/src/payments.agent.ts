import { defineAgent } from '@agentos/agent-sdk';
import { createHash } from 'node:crypto';
import { z } from 'zod';

const Charge = z.object({ orderId: z.string().min(1), amount: z.number().positive() });
const Refund = z.object({ orderId: z.string().min(1), reason: z.string().nullable().optional() });

/** A pretend payment provider: declines charges over 1000, so the demo can show a compensation. */
export const payments = defineAgent({
  name: 'payments',
  version: '1.0.0',
  owner: 'demo-team',
  capabilities: ['charge', 'refund'],
  concurrency: 4,
  async handle(input, ctx) {
    if (ctx.task.capability === 'refund') {
      const { orderId } = Refund.parse(input);
      return { refunded: true, orderId };
    }
    const { orderId, amount } = Charge.parse(input);
    if (amount > 1000) throw new Error(`card declined for ${amount}`);
    return { chargeId: `ch_${createHash('sha256').update(orderId).digest('hex').slice(0, 12)}`, amount };
  },
});
