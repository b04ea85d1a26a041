import { createMessage, newId, type MessageOf, type Origin, type PayloadInput, type ReplyOf } from '@agentos/contracts';

/** Anything that can ask a CheckPolicy query: the Nest client proxy or the plain publisher. */
export type PolicyAsker = (query: MessageOf<'CheckPolicy'>, timeoutMs?: number) => Promise<ReplyOf<'CheckPolicy'>>;

export type PolicyCheck = Omit<PayloadInput<'CheckPolicy'>, 'requestId'> & { requestId?: string };

/**
 * Asks policy and waits for the verdict. Fails closed: if policy does not answer (down, overloaded,
 * partitioned), the answer is deny with the reason "policy unavailable", never allow.
 */
export async function checkPolicy(ask: PolicyAsker, origin: Origin, check: PolicyCheck, timeoutMs = 2_000): Promise<ReplyOf<'CheckPolicy'>> {
  const query = createMessage('CheckPolicy', { ...check, requestId: check.requestId ?? newId() }, origin);
  try {
    return await ask(query, timeoutMs);
  } catch (error) {
    const { requestId, intentId, action, resource } = query.payload;
    return { requestId, intentId, action, resource, effect: 'deny', rule: null, reason: `policy unavailable: ${(error as Error).message}`, bundleVersion: 'none' };
  }
}
