// Text a human reviewer does not see but a model reads: invisible characters, hidden HTML, encoded blobs.
// Invisible characters are findings by themselves; hidden HTML is screened like visible text (decoders.ts decodes the rest).

import { mixedScriptWords } from './normalise';
import type { InjectionFinding } from './types';

const TAG = /\udb40[\udc00-\udc7f]/g;
/** A flag emoji such as Scotland's: black flag, tag letters, cancel tag. The only everyday use of tag characters. */
const TAG_FLAG = /\u{1F3F4}[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]+\u{E007F}/gu;
const ZERO_WIDTH = /[\u180e\u200b-\u200d\u2060-\u2064\ufeff]/g;
const BIDI_OVERRIDE = /[\u202d\u202e]/g;
const BIDI_EMBED = /[\u202a\u202b\u2066-\u2069]/g;
const JOINING_SCRIPT = /[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}]/u;
const EMOJI = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\ufe0f]/u;

const codepoint = (c: string | undefined) => `U+${(c?.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Zero-width characters that are not doing a legitimate job (emoji sequences, joining scripts, a leading BOM). */
function suspiciousZeroWidth(text: string): { count: number; insideWords: number } {
  let count = 0;
  let insideWords = 0;
  for (const m of text.matchAll(ZERO_WIDTH)) {
    const i = m.index;
    const before = String.fromCodePoint(text.codePointAt(Math.max(0, i - 1)) ?? 32);
    const beforePair = i >= 2 ? text.slice(i - 2, i) : before;
    const after = String.fromCodePoint(text.codePointAt(i + 1) ?? 32);
    if (m[0] === '\ufeff' && i === 0) continue;
    if ((m[0] === '\u200d' || m[0] === '\u200c') && (EMOJI.test(before) || EMOJI.test(beforePair) || EMOJI.test(after) || JOINING_SCRIPT.test(before) || JOINING_SCRIPT.test(after))) continue;
    count++;
    if (/\p{L}/u.test(before) && /[\p{L}\u180e\u200b-\u200d\u2060-\u2064\ufeff]/u.test(after)) insideWords++;
  }
  return { count, insideWords };
}

export interface HiddenScan {
  findings: InjectionFinding[];
  /** Text recovered from hidden channels, to be screened with the pattern rules. */
  segments: { rule: string; text: string }[];
}

/** Findings for invisible characters, plus any text smuggled in them (tag characters, right-to-left overrides). */
export function scanInvisible(text: string): HiddenScan {
  const findings: InjectionFinding[] = [];
  const segments: HiddenScan['segments'] = [];

  const tags = text.replace(TAG_FLAG, '').match(TAG) ?? [];
  if (tags.length > 0) {
    const smuggled = tags.map((t) => String.fromCharCode((t.codePointAt(0) ?? 0xe0000) - 0xe0000)).join('').replace(/[^\x20-\x7e]/g, '');
    findings.push({ rule: 'unicode-tag-characters', category: 'hidden-text', weight: 0.8, excerpt: `${tags.length} tag characters: "${smuggled.slice(0, 60)}"` });
    if (smuggled.trim()) segments.push({ rule: 'unicode-tag-characters', text: smuggled });
  }

  const zw = suspiciousZeroWidth(text);
  if (zw.count > 0) {
    const weight = zw.insideWords >= 2 ? 0.6 : zw.count >= 10 ? 0.7 : zw.count >= 3 ? 0.55 : 0.2;
    findings.push({ rule: 'zero-width-characters', category: 'hidden-text', weight, excerpt: `${zw.count} zero-width characters (${zw.insideWords} inside words)` });
  }

  const overrides = text.match(BIDI_OVERRIDE) ?? [];
  if (overrides.length > 0) {
    findings.push({ rule: 'bidi-override', category: 'hidden-text', weight: 0.6, excerpt: `${overrides.length} × ${codepoint(overrides[0])}` });
    // What the reader sees is the overridden run reversed; screen that too.
    for (const m of text.matchAll(/\u202e([^\u202c\u2069\n]*)/g)) segments.push({ rule: 'bidi-override', text: [...m[1]].reverse().join('') });
  }
  const embeds = text.match(BIDI_EMBED) ?? [];
  if (embeds.length > 0) findings.push({ rule: 'bidi-embedding', category: 'hidden-text', weight: 0.3, excerpt: `${embeds.length} × ${codepoint(embeds[0])}` });

  const mixed = mixedScriptWords(text);
  if (mixed.length > 0) findings.push({ rule: 'homoglyph-words', category: 'hidden-text', weight: 0.35, excerpt: mixed.slice(0, 5).join(' ') });

  return { findings, segments };
}

const HIDING_STYLE = [
  /display\s*:\s*none/, /visibility\s*:\s*hidden/, /font-size\s*:\s*(?:0|0?\.\d+|1)(?:px|pt|em|rem|%)?\s*(?:[;"'!]|$)/, /opacity\s*:\s*0(?:\.0+)?\s*(?:[;"'!]|$)/,
  /(?:left|top|text-indent)\s*:\s*-\d{3,}/, /(?:^|[;"'\s])color\s*:\s*(?:#f{3}\b|#f{6}\b|#fefefe|white|rgb\(\s*255\s*,\s*255\s*,\s*255\s*\))/,
];
const OPENING_TAG = /<([a-z][a-z0-9]*)\b([^<>]*)>/gi;
/** Bounds the work on broken or hostile HTML (unclosed tags and comments). */
const MAX_HIDDEN_REGION = 20_000;
const MAX_HIDDEN_REGIONS = 200;

function hidesContent(attrs: string): boolean {
  const a = attrs.toLowerCase();
  if (/(?:^|\s)hidden(?:\s|=|$)|aria-hidden\s*=\s*["']?true/.test(a)) return true;
  if (/\bcolor\s*=\s*["']?(?:white|#f{3}\b|#f{6}\b)/.test(a)) return true; // <font color="white">
  if (/\bfill\s*=\s*["']?(?:white|#f{3}\b|#f{6}\b)/.test(a) && /font-size\s*=\s*["']?[01]\b/.test(a)) return true;
  const style = /style\s*=\s*(["'])([\s\S]*?)\1/.exec(a)?.[2] ?? '';
  if (!HIDING_STYLE.some((re) => re.test(style))) return false;
  // White text on a dark background is just a dark theme.
  const background = /background(?:-color)?\s*:\s*([^;]+)/.exec(style)?.[1] ?? '';
  const whiteTextOnly = !/display|visibility|font-size|opacity|left|top|text-indent/.test(style);
  return !(whiteTextOnly && background && !/#f{3}\b|#f{6}\b|#fefefe|white|255\s*,\s*255\s*,\s*255/.test(background));
}

const stripTags = (html: string) => html.replace(/<[^>]*>/g, ' ');

/** Content of HTML comments and of elements styled or marked to be invisible. */
export function hiddenHtml(text: string): string[] {
  if (!/<[a-z!]/i.test(text)) return [];
  const found: string[] = [];
  for (let at = text.indexOf('<!--'); at >= 0 && found.length < MAX_HIDDEN_REGIONS; at = text.indexOf('<!--', at + 4)) {
    const end = text.indexOf('-->', at + 4);
    found.push(text.slice(at + 4, end < 0 ? at + 4 + MAX_HIDDEN_REGION : Math.min(end, at + 4 + MAX_HIDDEN_REGION)));
    if (end < 0) break;
  }
  const lower = text.toLowerCase();
  for (const m of text.matchAll(OPENING_TAG)) {
    if (found.length >= MAX_HIDDEN_REGIONS) break;
    if (!hidesContent(m[2])) continue;
    const from = m.index + m[0].length;
    const close = lower.indexOf(`</${m[1].toLowerCase()}`, from);
    found.push(stripTags(text.slice(from, close < 0 ? from + MAX_HIDDEN_REGION : Math.min(close, from + MAX_HIDDEN_REGION))));
  }
  return found.filter((s) => s.trim().length > 0);
}
