// Text is normalised before the pattern rules see it, so that look-alike spellings of an attack match the same rule.
// Hidden characters are removed here; hidden.ts reports them separately.

/** Zero-width and format characters, bidi controls and Unicode tag characters: invisible when rendered. */
export const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufe00-\ufe0f\ufeff]|\udb40[\udc00-\udc7f]/g;

// Cyrillic and Greek letters that render like Latin ones. Only folded inside words that also contain Latin letters,
// so Russian or Greek text stays as it is.
const CONFUSABLES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ӏ: 'l', ɡ: 'g',
  α: 'a', ε: 'e', ι: 'i', κ: 'k', ο: 'o', ρ: 'p', τ: 't', υ: 'u', ν: 'v', χ: 'x',
};
/**
 * Letters NFKC leaves alone that read as Latin ones: small capitals, dotless i and j, and a few IPA forms; and
 * letters without a decomposition that stand for a plain one (Vietnamese đ, Polish ł, Danish ø). Folded everywhere.
 */
const LATIN_LOOKALIKES: Record<string, string> = {
  ᴀ: 'a', ʙ: 'b', ᴄ: 'c', ᴅ: 'd', ᴇ: 'e', ꜰ: 'f', ɢ: 'g', ʜ: 'h', ɪ: 'i', ᴊ: 'j', ᴋ: 'k', ʟ: 'l', ᴍ: 'm', ɴ: 'n', ᴏ: 'o', ᴘ: 'p', ǫ: 'q', ʀ: 'r', ꜱ: 's',
  ᴛ: 't', ᴜ: 'u', ᴠ: 'v', ᴡ: 'w', ʏ: 'y', ᴢ: 'z', ı: 'i', ȷ: 'j', ɑ: 'a', ɩ: 'i', ʋ: 'v', ꭓ: 'x', đ: 'd', Đ: 'd', ł: 'l', Ł: 'l', ø: 'o', Ø: 'o', ħ: 'h',
};
const LATIN_LOOKALIKE = new RegExp(`[${Object.keys(LATIN_LOOKALIKES).join('')}]`, 'gu');
/** Accents are dropped from these scripts only: elsewhere (Devanagari, Bengali, kana) the marks are part of the letters. */
const ACCENTED = /([\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}])\p{M}+/gu;
const MIXED_WORD = /[\p{L}\p{M}]+/gu;
const LATIN = /\p{Script=Latin}/u;
const LOOKALIKE = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

/** True when a word mixes Latin letters with Cyrillic or Greek ones (a homoglyph trick). */
export function isMixedScript(word: string): boolean {
  return LATIN.test(word) && LOOKALIKE.test(word);
}

export function mixedScriptWords(text: string): string[] {
  return (text.normalize('NFKC').match(MIXED_WORD) ?? []).filter(isMixedScript);
}

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't' };

/**
 * NFKC, invisible characters removed, look-alike letters folded, lower-cased, accents stripped (Latin, Cyrillic, Greek), typographic quotes made plain,
 * runs of spaces collapsed (line breaks kept, one per run: some rules need them).
 */
export function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(LATIN_LOOKALIKE, (c) => LATIN_LOOKALIKES[c])
    .replace(MIXED_WORD, (w) => (isMixedScript(w) ? [...w].map((c) => CONFUSABLES[c.toLowerCase()] ?? c).join('') : w))
    .toLowerCase()
    .normalize('NFD')
    .replace(ACCENTED, '$1')
    .normalize('NFC')
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033]/g, '"')
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n[\s]*/g, '\n')
    .trim();
}

/** Undoes simple leetspeak: digits inside words that also have letters ("1gn0r3" → "ignore"); plain numbers stay. */
export function deleet(normalised: string): string {
  return normalised.replace(/[a-z0-9]+/g, (w) => (/[a-z]/.test(w) && /[013457]/.test(w) ? w.replace(/[013457]/g, (d) => LEET[d]) : w));
}
