import { createMessage, type MessageOf, type Origin, type ReplyOf } from '@agentos/contracts';
import { SCREEN_PATIENCE_MS, askPatiently, type InputOutcome } from '@agentos/policy-engine';

export { SCREEN_PATIENCE_MS, screen, type ScreenAsker, type ScreenOutcome } from '@agentos/policy-engine';

export type InputAsker = (query: MessageOf<'ScreenInput'>, timeoutMs?: number) => Promise<ReplyOf<'ScreenInput'>>;

/**
 * Screens a task's input through policy in one question (ScreenInput: every string, then all of them with the keys
 * read together). Fails closed: input policy did not screen never passes; after `patienceMs` without an answer the
 * refusal is `transient` (the task waits in NATS for policy to be back).
 */
export async function screenTaskInput(ask: InputAsker, origin: Origin, intentId: string, input: Record<string, unknown>, patienceMs = SCREEN_PATIENCE_MS): Promise<InputOutcome> {
  const query = createMessage('ScreenInput', { intentId, input }, origin);
  // One question screens every string of the input, so it may take as long as the whole patience (a policy that is
  // away still fails at once, with no responders, and is asked again).
  const answer = await askPatiently(() => ask(query, patienceMs), patienceMs);
  if (!answer.answered) return { ok: false, transient: true, reason: `input not screened: policy unavailable: ${answer.error.message}` };
  const verdict = answer.value;
  return verdict.passed ? { ok: true, input: verdict.input } : { ok: false, reason: verdict.reason, transient: verdict.transient };
}
