import { InvalidPayloadError, createMessage, type MessageOf, type Origin, type PayloadOf, type ReplyOf } from '@agentos/contracts';
import { markUntrusted, textOf } from './injection';

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
  const answer = await askPatiently(() => ask(query, 2_000), patienceMs);
  if (!answer.answered) return { ok: false, transient: true, reason: `${content.source} not screened: policy unavailable: ${answer.error.message}` };
  const verdict = answer.value;
  if (verdict.text === null) {
    return { ok: false, transient: false, reason: `${content.source} quarantined: it looks like a prompt injection (score ${verdict.score.toFixed(2)}: ${verdict.categories.join(', ')})` };
  }
  return { ok: true, text: verdict.text };
}

/**
 * Asks policy until it answers or `patienceMs` has passed, backing off from 250 ms to 2 s between tries (screening
 * fails closed, so a policy restart must be waited out, not turned into a refusal).
 */
export async function askPatiently<T>(ask: () => Promise<T>, patienceMs: number): Promise<{ answered: true; value: T } | { answered: false; error: Error }> {
  const giveUpAt = Date.now() + patienceMs;
  for (let wait = 250; ; wait = Math.min(wait * 2, 2_000)) {
    try {
      return { answered: true, value: await ask() };
    } catch (error) {
      if (Date.now() + wait >= giveUpAt) return { answered: false, error: error as Error };
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** A task's input as the agent may see it, or why not (`transient`: policy did not answer; a quarantine is final). */
export type InputOutcome = { ok: true; input: unknown } | { ok: false; reason: string; transient: boolean };

/**
 * Screens a task's input (user input) before the agent sees it: every string, then, when the input has keys
 * or several strings, all of them read together, so an attack put in a key or split across fields is read whole.
 * Flagged strings are replaced by their marked form (all of them, when only the whole was flagged), or the whole
 * input is refused when policy says quarantine.
 */
export async function screenInput(ask: ScreenAsker, origin: Origin, intentId: string, input: unknown): Promise<InputOutcome> {
  const fields = await screenFields(ask, origin, intentId, input, 'input');
  if (!fields.ok || typeof input === 'string' || input === null || typeof input !== 'object') return fields;
  const whole = textOf(input);
  const outcome = await screen(ask, origin, { origin: 'user_input', source: 'input (keys and fields together)', text: whole, intentId });
  if (!outcome.ok) return outcome;
  return outcome.text === whole ? fields : { ok: true, input: markStrings(fields.input, 'input') };
}

/** Every string of a value in its untrusted-content marker (a string marked already stays as it is). */
function markStrings(value: unknown, path: string): unknown {
  if (typeof value === 'string') return value.startsWith('<<<UNTRUSTED') ? value : markUntrusted(value, `user_input ${path}`);
  if (Array.isArray(value)) return value.map((v, i) => markStrings(v, `${path}.${i}`));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markStrings(v, `${path}.${k}`)]));
  return value;
}

async function screenFields(ask: ScreenAsker, origin: Origin, intentId: string, input: unknown, path: string): Promise<InputOutcome> {
  if (typeof input === 'string') {
    const outcome = await screen(ask, origin, { origin: 'user_input', source: path, text: input, intentId });
    return outcome.ok ? { ok: true, input: outcome.text } : outcome;
  }
  if (Array.isArray(input) || (input !== null && typeof input === 'object')) {
    const entries = Array.isArray(input) ? input.map((v, i) => [String(i), v] as const) : Object.entries(input);
    const screened: [string, unknown][] = [];
    for (const [key, value] of entries) {
      const result = await screenFields(ask, origin, intentId, value, `${path}.${key}`);
      if (!result.ok) return result;
      screened.push([key, result.input]);
    }
    return { ok: true, input: Array.isArray(input) ? screened.map(([, v]) => v) : Object.fromEntries(screened) };
  }
  return { ok: true, input };
}
