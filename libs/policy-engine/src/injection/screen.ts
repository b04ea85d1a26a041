import { decodedBase64, hiddenHtml, scanInvisible } from './hidden';
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
/** Not aimed at the model: negated ("never share your password"), or someone reporting what they were told to do. */
const NOT_DIRECTED = /(?:\b(?:never|not|don't|dont|no|nunca|jamais|nie|niemals)\s+(?:\S+\s+)?|\b(?:told|asked|wants?|wanted|reminded)\s+(?:me|us|them|him|her)\s+to\s+|\b(?:i|we)\s+(?:will|'ll|should|can|must|might)\s+)$/;
const QUOTED = /"[^"\n]{1,400}"|`[^`\n]{1,400}`|(?<![\p{L}\p{N}])'(?:[^'\n]|'(?=\p{L})){1,400}?'(?![\p{L}\p{N}])/gu;

function isDiscussion(view: string): boolean {
  return DISCUSSION_STRONG.test(view) || DISCUSSION_WEAK.filter((re) => re.test(view)).length >= 2;
}

const excerpt = (s: string) => (s.length > EXCERPT_CHARS ? `${s.slice(0, EXCERPT_CHARS - 1)}…` : s).replace(/\s+/g, ' ').trim();

/** Runs the pattern rules over the normalised text (and its de-leeted form); keeps the strongest match per rule. */
function matchRules(text: string, discount: boolean): InjectionFinding[] {
  const plain = normalise(text);
  const views = [plain];
  const unleet = deleet(plain);
  if (unleet !== plain) views.push(unleet);
  const discussion = discount && isDiscussion(plain);

  const quotedSpans = views.map((view) => (discussion ? [...view.matchAll(QUOTED)].map((q) => [q.index, q.index + q[0].length] as const) : []));
  const best = new Map<string, InjectionFinding>();
  for (const rule of TEXT_RULES) {
    for (const [v, view] of views.entries()) {
      const quoted = quotedSpans[v];
      let n = 0;
      for (const m of view.matchAll(rule.pattern)) {
        if (++n > MAX_MATCHES_PER_RULE) break;
        if (rule.negatable && NOT_DIRECTED.test(view.slice(Math.max(0, m.index - 30), m.index))) continue;
        let weight = rule.weight;
        if (discussion) {
          const inQuotes = quoted.some(([from, to]) => m.index >= from && m.index < to);
          weight *= inQuotes ? QUOTED_IN_DISCUSSION : UNQUOTED_IN_DISCUSSION;
        }
        const previous = best.get(rule.id);
        if (!previous || weight > previous.weight) {
          best.set(rule.id, { rule: rule.id, category: rule.category, weight: round(weight), excerpt: excerpt(m[0]) });
        }
      }
    }
  }
  return [...best.values()];
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** Screens text recovered from a hidden channel; a hit there is reported as the pattern finding plus a hidden-text finding. */
function screenHidden(rule: string, texts: string[], depth: number): InjectionFinding[] {
  const out: InjectionFinding[] = [];
  for (const text of texts) {
    const inner = collect(text, depth + 1, false);
    if (inner.length === 0) continue;
    out.push(...inner, { rule, category: 'hidden-text', weight: 0.6, excerpt: excerpt(normalise(text)) });
  }
  return out;
}

function collect(text: string, depth: number, discount: boolean): InjectionFinding[] {
  const findings = matchRules(text, discount);
  if (depth > 2) return findings;
  const invisible = scanInvisible(text);
  findings.push(...invisible.findings);
  for (const s of invisible.segments) findings.push(...screenHidden(`${s.rule}-instruction`, [s.text], depth));
  findings.push(...screenHidden('hidden-html-instruction', hiddenHtml(text), depth));
  findings.push(...screenHidden('encoded-instruction', decodedBase64(text), depth));
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
  const score = round(1 - findings.reduce((p, f) => p * (1 - f.weight), 1));
  return { score, flagged: findings.length > 0 && score >= threshold, findings };
}
