import { decodedViews, type DecodedView } from './decoders';
import { hiddenHtml, scanInvisible } from './hidden';
import { multilingualMatches } from './multilingual';
import { deleet, normalise } from './normalise';
import { DISCUSSION_STRONG, DISCUSSION_WEAK, TEXT_RULES } from './patterns';
import type { InjectionFinding, ScreenResult } from './types';

export const DEFAULT_INJECTION_THRESHOLD = 0.5;

/** A match inside quotes in text that discusses attacks is most likely an example being discussed. */
const QUOTED_IN_DISCUSSION = 0.1;
/** Anything else in text that discusses attacks still counts, but less. */
const UNQUOTED_IN_DISCUSSION = 0.6;
const MAX_MATCHES_PER_RULE = 20;
const EXCERPT_CHARS = 80;
/**
 * Not aimed at the model: negated ("never share your password"), someone reporting what they were told to do or
 * what attackers try ("attackers ask the model to repeat ..."), or asking about their own work ("why do we send ...").
 */
const NOT_DIRECTED = /(?:\b(?:never|not|don't|dont|no|nunca|jamais|nie|niemals)\s+(?:\S+\s+)?|\b(?:told|asked|wants?|wanted|reminded)\s+(?:me|us|them|him|her)\s+to\s+|\b(?:i|we)\s+(?:will|'ll|should|can|must|might)\s+|\b(?:asks?|asking|tricks?|tricking|coax(?:es|ing)?|gets?|getting|convinces?|convincing)\s+(?:the|a|an|its|their)\s+(?:model|assistant|ai|bot|llm|chatbot|agent)\s+(?:in)?to\s+|\b(?:why|how|where|when|do|does|did|should|can|could)\s+(?:we|they|i|it)\s+)$/;
const QUOTED = /"[^"\n]{1,400}"|`[^`\n]{1,400}`|(?<![\p{L}\p{N}])'(?:[^'\n]|'(?=\p{L})){1,400}?'(?![\p{L}\p{N}])/gu;

function isDiscussion(view: string): boolean {
  return DISCUSSION_STRONG.test(view) || DISCUSSION_WEAK.filter((re) => re.test(view)).length >= 2;
}

const excerpt = (s: string) => (s.length > EXCERPT_CHARS ? `${s.slice(0, EXCERPT_CHARS - 1)}…` : s).replace(/\s+/g, ' ').trim();

/**
 * Runs the pattern rules and the multilingual rules over the normalised text (and its de-leeted form); keeps the
 * strongest match per rule. `squeezed` text has lost its spaces: only the multilingual rules can read it.
 */
function matchRules(text: string, discount: boolean, squeezed = false): InjectionFinding[] {
  const plain = normalise(text);
  if (squeezed) return multilingualMatches(plain, { squeezed }).map(({ rule, from, to }) => ({ rule: rule.id, category: rule.category, weight: rule.weight, excerpt: excerpt(plain.slice(from, to)) }));
  const views = [plain];
  const unleet = deleet(plain);
  if (unleet !== plain) views.push(unleet);
  const discussion = discount && isDiscussion(plain);

  const quotedSpans = views.map((view) => (discussion ? [...view.matchAll(QUOTED)].map((q) => [q.index, q.index + q[0].length] as const) : []));
  const best = new Map<string, InjectionFinding>();
  const keep = (id: string, finding: InjectionFinding) => {
    const previous = best.get(id);
    if (!previous || finding.weight > previous.weight) best.set(id, finding);
  };
  const discounted = (weight: number, at: number, quoted: readonly (readonly [number, number])[]) => {
    if (!discussion) return weight;
    return weight * (quoted.some(([from, to]) => at >= from && at < to) ? QUOTED_IN_DISCUSSION : UNQUOTED_IN_DISCUSSION);
  };
  for (const rule of TEXT_RULES) {
    for (const [v, view] of views.entries()) {
      const quoted = quotedSpans[v];
      let n = 0;
      for (const m of view.matchAll(rule.pattern)) {
        if (++n > MAX_MATCHES_PER_RULE) break;
        if (rule.negatable && NOT_DIRECTED.test(view.slice(Math.max(0, m.index - 30), m.index))) continue;
        keep(rule.id, { rule: rule.id, category: rule.category, weight: round(discounted(rule.weight, m.index, quoted)), excerpt: excerpt(m[0]) });
      }
    }
  }
  for (const [v, view] of views.entries()) {
    for (const { rule, from, to } of multilingualMatches(view)) {
      keep(rule.id, { rule: rule.id, category: rule.category, weight: round(discounted(rule.weight, from, quotedSpans[v])), excerpt: excerpt(view.slice(from, to)) });
    }
  }
  return [...best.values()];
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * Hidden markup and text recovered by decoding or transforming count when what they say scores at least this, not
 * for a stray weak cue: pages hide menus, mails carry base64 attachments.
 */
const RECOVERED_MIN_SCORE = 0.4;
const combined = (findings: readonly InjectionFinding[]) => 1 - findings.reduce((p, f) => p * (1 - f.weight), 1);

/**
 * Screens text recovered from a hidden channel; a hit there is reported as the pattern finding plus a hidden-text
 * finding (hiding an instruction is itself a sign). Text that is hidden by its markup or characters counts at any
 * score; text recovered by decoding (which ordinary data may also yield) only from DECODED_MIN_SCORE.
 */
/** Hidden text addressed to an AI reader is an attack's sign whatever else it scores. */
const ADDRESSED_TO_AI = 'addresses-ai-reader';

function screenHidden(views: readonly DecodedView[], depth: number, minScore = 0, visible: readonly InjectionFinding[] = []): InjectionFinding[] {
  const out: InjectionFinding[] = [];
  // A transformation leaves some text as it was (ROT13 leaves Cyrillic alone): what the visible text said already is not news.
  const seen = new Set(visible.map((f) => f.rule));
  for (const view of views) {
    const inner = view.wordsOnly ? matchRules(view.text, false, view.squeezed).filter((f) => !seen.has(f.rule)) : collect(view.text, depth + 1, false);
    if (inner.length === 0 || (combined(inner) < minScore && !inner.some((f) => f.rule === ADDRESSED_TO_AI))) continue;
    out.push(...inner, { rule: view.rule, category: 'hidden-text', weight: 0.6, excerpt: excerpt(normalise(view.text)) });
  }
  return out;
}

function collect(text: string, depth: number, discount: boolean): InjectionFinding[] {
  const visible = matchRules(text, discount);
  if (depth > 2) return visible;
  const findings = [...visible];
  const invisible = scanInvisible(text);
  findings.push(...invisible.findings);
  findings.push(...screenHidden(invisible.segments.map((s) => ({ rule: `${s.rule}-instruction`, text: s.text })), depth));
  findings.push(...screenHidden(hiddenHtml(text).map((t) => ({ rule: 'hidden-html-instruction', text: t })), depth, RECOVERED_MIN_SCORE));
  // ROT13, reversal and spacing are undone once, on the visible text: undoing them again would only give it back.
  findings.push(...screenHidden(decodedViews(text, { transforms: depth === 0 }), depth, RECOVERED_MIN_SCORE, visible));
  return findings;
}

/** Keeps the strongest finding per rule, strongest first. */
function dedupe(findings: InjectionFinding[]): InjectionFinding[] {
  const best = new Map<string, InjectionFinding>();
  for (const f of findings) {
    const previous = best.get(f.rule);
    if (!previous || f.weight > previous.weight) best.set(f.rule, f);
  }
  return [...best.values()].sort((a, b) => b.weight - a.weight || a.rule.localeCompare(b.rule));
}

/**
 * Screens text for prompt injection. Each rule that fires adds a finding; the score is 1 - Π(1 - weight) over them,
 * and the text is flagged when the score reaches the threshold (from the policy bundle; default 0.5).
 */
export function screenText(text: string, options: { threshold?: number } = {}): ScreenResult {
  const threshold = options.threshold ?? DEFAULT_INJECTION_THRESHOLD;
  if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`threshold must be in [0, 1], got ${threshold}`);
  const findings = dedupe(collect(text, 0, true));
  const score = round(combined(findings));
  return { score, flagged: findings.length > 0 && score >= threshold, findings };
}

/**
 * The text of a structured value as a screener should see it: every key and every string, joined, so an attack
 * put in a key or split across fields and array items is read whole (text items also run together).
 */
export function textOf(value: unknown): string {
  const parts: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === 'string') parts.push(next);
    else if (Array.isArray(next)) {
      // Items of text are also read run together: a word may be cut across two of them.
      if (next.length > 1 && next.every((item) => typeof item === 'string')) parts.push(next.join(''));
      stack.push(...[...next].reverse());
    }
    else if (next !== null && typeof next === 'object') {
      for (const [key, item] of Object.entries(next).reverse()) stack.push(item, key);
    }
  }
  // Spaces, not line breaks: a line break ends a sentence, and the parts of a split sentence must stay in one.
  return parts.join(' ');
}
