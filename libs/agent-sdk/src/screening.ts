import { InvalidPayloadError, createMessage, type MessageOf, type Origin, type PayloadOf, type ReplyOf } from '@agentos/contracts';

export type ScreenAsker = (query: MessageOf<'ScreenContent'>, timeoutMs?: number) => Promise<ReplyOf<'ScreenContent'>>;

/** `transient`: policy did not answer, so a later attempt may pass; a quarantine is final. */
export type ScreenOutcome = { ok: true; text: string } | { ok: false; reason: string; transient: boolean };

/**
 * How long a policy service that does not answer is waited for: about a restart and a half. Shorter,
 * and every task that arrives while policy restarts fails (the chaos suite saw 3% of intents fail with
 * three tries over one second); longer only holds the agent's slot.
 */
export const SCREEN_PATIENCE_MS = 10_000;

/**
 * Screens one piece of untrusted text through policy. Fails closed: unscreened text never passes.
 * Asks again, backing off from 250 ms to 2 s, until policy answers or `patienceMs` has passed.
 */
export async function screen(ask: ScreenAsker, origin: Origin, content: PayloadOf<'ScreenContent'>, patienceMs = SCREEN_PATIENCE_MS): Promise<ScreenOutcome> {
  let query: MessageOf<'ScreenContent'>;
  try {
    query = createMessage('ScreenContent', content, origin);
  } catch (error) {
    // Text policy cannot take (too long) fails at once, for what it is: asking again would not help.
    if (error instanceof InvalidPayloadError) return { ok: false, transient: false, reason: `${content.source} not screened: ${error.message}` };
    throw error;
  }
  const giveUpAt = Date.now() + patienceMs;
  let failure: Error | undefined;
  for (let wait = 250; ; wait = Math.min(wait * 2, 2_000)) {
    try {
      const verdict = await ask(query, 2_000);
      if (verdict.text === null) {
        return { ok: false, transient: false, reason: `${content.source} quarantined: it looks like a prompt injection (score ${verdict.score.toFixed(2)}: ${verdict.categories.join(', ')})` };
      }
      return { ok: true, text: verdict.text };
    } catch (error) {
      failure = error as Error;
      if (Date.now() + wait >= giveUpAt) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
  return { ok: false, transient: true, reason: `${content.source} not screened: policy unavailable: ${failure?.message}` };
}

/**
 * Screens every string in a task's input (user input) before the agent sees it; flagged strings are
 * replaced by their marked form, or the whole input is refused when policy says quarantine.
 */
export async function screenInput(ask: ScreenAsker, origin: Origin, intentId: string, input: unknown, path = 'input'): Promise<{ ok: true; input: unknown } | { ok: false; reason: string; transient: boolean }> {
  if (typeof input === 'string') {
    const outcome = await screen(ask, origin, { origin: 'user_input', source: path, text: input, intentId });
    return outcome.ok ? { ok: true, input: outcome.text } : outcome;
  }
  if (Array.isArray(input) || (input !== null && typeof input === 'object')) {
    const entries = Array.isArray(input) ? input.map((v, i) => [String(i), v] as const) : Object.entries(input);
    const screened: [string, unknown][] = [];
    for (const [key, value] of entries) {
      const result = await screenInput(ask, origin, intentId, value, `${path}.${key}`);
      if (!result.ok) return result;
      screened.push([key, result.input]);
    }
    return { ok: true, input: Array.isArray(input) ? screened.map(([, v]) => v) : Object.fromEntries(screened) };
  }
  return { ok: true, input };
}
