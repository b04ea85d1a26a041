// Rules by meaning, in every language of the lexicon: a rule fires when its concepts occur near each other (in
// either order: verb-final languages put the object first), unless the verb is negated ("never share your password").
import { LEXICONS, type Concept } from './lexicon';
import { normalise } from './normalise';
import type { InjectionCategory } from './types';

/** How near (in characters) the words of one rule must be: about a sentence. */
const WINDOW = 70;
const NEGATION_BEFORE = 16;
const NEGATION_AFTER = 10;
const MAX_HITS = 50;
/** Scripts written with spaces between words: a stem must start a word there. */
const SPACED = /^[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Hangul}]/u;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Up to three Latin or Cyrillic letters: a whole word, not a stem (Hangul syllables are words' stems, particles attach). */
const SHORT_LATIN = /^[\p{Script=Latin}\p{Script=Cyrillic}$€£₺₽]{1,3}$/u;
const WORD_START = '(?<![\\p{L}\\p{M}\\p{N}_])';
const WORD_END = '(?![\\p{L}\\p{M}\\p{N}_])';

interface Term {
  text: string;
  /** Written with a trailing space: a whole word ("ignore " is French or Spanish, "ignored" is English). */
  whole: boolean;
}

/**
 * A stem matches at the start of a word in spaced scripts, anywhere in others (CJK, Arabic, whose prefixes attach).
 * Whole words end there too, and so do short Latin stems (currency codes, "tl", "kr"), which would otherwise match
 * inside other words. The word-start check is made once for all spaced stems: one alternation, not one per stem.
 */
function alternation(terms: readonly Term[], squeezed: boolean): string {
  if (squeezed) return terms.map((t) => escape(t.text.replace(/\s+/g, ''))).join('|');
  const spaced = terms.filter((t) => SPACED.test(t.text));
  const unspaced = terms.filter((t) => !SPACED.test(t.text));
  const spacedBody = spaced.map((t) => `${escape(t.text)}${t.whole || SHORT_LATIN.test(t.text) ? WORD_END : ''}`).join('|');
  return [spaced.length > 0 ? `${WORD_START}(?:${spacedBody})` : '', ...unspaced.map((t) => escape(t.text))].filter(Boolean).join('|');
}

/**
 * English has its own, finer rules (patterns.ts), written against English look-alikes (articles about prompts,
 * password-reset mails, code); its words join only to read squeezed text (letters spaced apart, collapsed), where
 * stems match anywhere, and to recognise negations and reported speech ("told me to ignore ...").
 */
function compile(concept: Concept, squeezed: boolean): RegExp {
  const lexicons = Object.entries(LEXICONS).filter(([language]) => squeezed || concept === 'negation' || language !== 'en');
  const seen = new Map<string, Term>();
  for (const raw of lexicons.flatMap(([, lexicon]) => lexicon[concept])) {
    const term = { text: normalise(raw), whole: raw.endsWith(' ') };
    if (term.text.length >= (squeezed ? 4 : 1)) seen.set(`${term.text}|${term.whole}`, term);
  }
  const terms = [...seen.values()].sort((a, b) => b.text.length - a.text.length);
  return new RegExp(alternation(terms, squeezed), 'gu');
}

const CONCEPTS: Concept[] = ['ignore', 'prior', 'instructions', 'reveal', 'systemPrompt', 'secret', 'send', 'role', 'unrestricted', 'pay', 'money', 'covert', 'negation'];
const PATTERNS = new Map(CONCEPTS.map((c) => [c, compile(c, false)] as const));
const SQUEEZED_PATTERNS = new Map(CONCEPTS.map((c) => [c, compile(c, true)] as const));
/** Verbs whose negation turns an attack into advice ("do not send your password"). */
const NEGATABLE: ReadonlySet<Concept> = new Set(['ignore', 'reveal', 'send', 'pay']);

interface MultilingualRule {
  id: string;
  category: InjectionCategory;
  weight: number;
  /** Each entry is one concept, or several of which any will do. */
  concepts: (Concept | Concept[])[];
}

const MULTILINGUAL_RULES: readonly MultilingualRule[] = [
  { id: 'ml-ignore-prior-instructions', category: 'ignore-instructions', weight: 0.85, concepts: ['ignore', 'prior', 'instructions'] },
  { id: 'ml-ignore-instructions', category: 'ignore-instructions', weight: 0.35, concepts: ['ignore', 'instructions'] },
  { id: 'ml-ignore-everything-before', category: 'ignore-instructions', weight: 0.3, concepts: ['ignore', 'prior'] },
  { id: 'ml-reveal-system-prompt', category: 'secret-exfiltration', weight: 0.75, concepts: [['reveal', 'ignore', 'send'], 'systemPrompt'] },
  { id: 'ml-system-prompt-mentioned', category: 'secret-exfiltration', weight: 0.25, concepts: ['systemPrompt'] },
  { id: 'ml-hand-over-secrets', category: 'secret-exfiltration', weight: 0.55, concepts: [['reveal', 'send'], 'secret'] },
  { id: 'ml-covert-secrets', category: 'secret-exfiltration', weight: 0.85, concepts: [['reveal', 'send'], 'secret', 'covert'] },
  { id: 'ml-role-without-limits', category: 'role-hijack', weight: 0.85, concepts: ['role', 'unrestricted'] },
  { id: 'ml-without-limits', category: 'role-hijack', weight: 0.45, concepts: ['unrestricted'] },
  { id: 'ml-new-role', category: 'role-hijack', weight: 0.15, concepts: ['role'] },
  { id: 'ml-payment', category: 'tool-abuse', weight: 0.25, concepts: ['pay', 'money'] },
  { id: 'ml-covert-payment', category: 'tool-abuse', weight: 0.75, concepts: ['pay', 'covert'] },
  { id: 'ml-covert-action', category: 'tool-abuse', weight: 0.5, concepts: ['send', 'covert'] },
];

interface Hit {
  at: number;
  end: number;
  /** Which sentence of the text it is in: a rule's words must share one. */
  sentence: number;
  negatable: boolean;
}
type Hits = Map<Concept, Hit[]>;

/** A sentence ends at . ! ? followed by a space, at CJK, Arabic and Devanagari stops, and at a line break. */
const SENTENCE_END = /[.!?](?=\s|$)|[。！？؟।\n]/g;

function sentenceIndex(text: string): (at: number) => number {
  const ends = [...text.matchAll(SENTENCE_END)].map((m) => m.index);
  return (at) => {
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid] < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function hitsIn(text: string, squeezed: boolean): Hits {
  const sentenceOf = sentenceIndex(text);
  const hits: Hits = new Map();
  for (const [concept, pattern] of squeezed ? SQUEEZED_PATTERNS : PATTERNS) {
    const found: Hit[] = [];
    for (const m of text.matchAll(pattern)) {
      found.push({ at: m.index, end: m.index + m[0].length, sentence: sentenceOf(m.index), negatable: NEGATABLE.has(concept) });
      if (found.length >= MAX_HITS) break;
    }
    hits.set(concept, found);
  }
  return hits;
}

/**
 * A verb negated just before it, just after it (Japanese, Korean, Turkish negate after the verb), between it and
 * its object, or right after the object (Dutch, German, Swedish: "deel je wachtwoord nooit").
 */
function negated(negations: readonly Hit[], verb: Hit, span: { from: number; to: number }): boolean {
  return negations.some(
    (n) =>
      n.sentence === verb.sentence &&
      ((n.end <= verb.at && verb.at - n.end <= NEGATION_BEFORE) ||
        (n.at >= verb.end && n.at - verb.end <= NEGATION_AFTER) ||
        (n.at >= verb.end && n.end <= span.to) ||
        (n.at >= span.to && n.at - span.to <= 2)),
  );
}

const occurrences = (hits: Hits, concept: Concept | Concept[]) => (Array.isArray(concept) ? concept : [concept]).flatMap((c) => hits.get(c) ?? []);

/** The first place where every concept of the rule occurs in one sentence, near the first one, with no verb negated. */
function firstMatch(hits: Hits, rule: MultilingualRule): { from: number; to: number } | undefined {
  const [anchor, ...rest] = rule.concepts.map((c) => occurrences(hits, c));
  const negations = hits.get('negation') ?? [];
  for (const a of anchor) {
    const near = rest.map((list) => list.find((h) => h.sentence === a.sentence && Math.abs(h.at - a.at) <= WINDOW));
    if (!near.every(Boolean)) continue;
    const parts = [a, ...(near as Hit[])];
    const span = { from: Math.min(...parts.map((p) => p.at)), to: Math.max(...parts.map((p) => p.end)) };
    if (parts.some((p) => p.negatable && negated(negations, p, span))) continue;
    return span;
  }
  return undefined;
}

/** The multilingual rules that fire on normalised text, with the span each matched. */
export function multilingualMatches(view: string, { squeezed = false } = {}): { rule: MultilingualRule; from: number; to: number }[] {
  const hits = hitsIn(view, squeezed);
  return MULTILINGUAL_RULES.flatMap((rule) => {
    const match = firstMatch(hits, rule);
    return match ? [{ rule, ...match }] : [];
  });
}
