// Text hidden from a human reader but readable by a model: encodings (base64, also cut into chunks; hex; URL and
// HTML escapes), ROT13, reversed text, and letters spaced apart. Each decoder yields the text it recovered, which is
// screened like visible text.

export interface DecodedView {
  /** Names the channel in the finding: `base64-instruction`, `rot13-instruction`, ... */
  rule: string;
  text: string;
  /** Spaces are gone (letters spaced apart, then collapsed): words must be found without their boundaries. */
  squeezed?: boolean;
  /** A transformation of the visible text (ROT13, reversed, collapsed): only its words are screened, not its characters or markup. */
  wordsOnly?: boolean;
}

const MAX_BLOB = 200_000;
const MAX_VIEWS = 40;

/** Scripts written without spaces between words. */
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/gu;

/**
 * Readable text: nearly all printable, with words (a few spaces, or mostly Chinese or Japanese characters), so
 * not an image or a hash that happened to decode.
 */
function readable(decoded: string): boolean {
  if (decoded.length < 6) return false;
  const printable = decoded.replace(/[^\p{L}\p{M}\p{N}\p{P}\p{Zs}\n\t$+<=>^`|~]/gu, '').length;
  if (printable / decoded.length < 0.95) return false;
  return (decoded.match(/ /g) ?? []).length >= 2 || (decoded.match(UNSPACED_SCRIPT) ?? []).length >= decoded.length / 2;
}

function bytesToText(bytes: Buffer): string {
  const oddZero = bytes.filter((b, i) => i % 2 === 1 && b === 0).length;
  return oddZero >= bytes.length / 2 - 1 ? bytes.toString('utf16le') : bytes.toString('utf8');
}

/**
 * A base64 run, whole or cut into pieces by spaces, quotes, commas or bars, or joined with plus signs between quoted
 * pieces (`"aWdub3Jl" + "IGFsbA=="`); a plus sign inside a piece is base64's own.
 */
const PIECE_BREAK = String.raw`[\s"',|]+(?:\+[\s"',|]+)?`;
const BASE64_RUN = new RegExp(String.raw`[A-Za-z0-9+/_-]{4,}={0,2}(?:${PIECE_BREAK}[A-Za-z0-9+/_-]{2,}={0,2})*`, 'g');
const PIECE_BREAKS = new RegExp(PIECE_BREAK);

function decodedBase64(text: string): string[] {
  const out: string[] = [];
  for (const [run] of text.matchAll(BASE64_RUN)) {
    if (run.length > MAX_BLOB) continue;
    // Each piece may carry its own padding: decode piece by piece when they do, else the joined run.
    const pieces = run.split(PIECE_BREAKS).filter(Boolean);
    const candidates = pieces.some((p) => p.endsWith('=')) ? [pieces.map((p) => Buffer.from(p.replace(/-/g, '+').replace(/_/g, '/'), 'base64')).reduce((a, b) => Buffer.concat([a, b]))] : [Buffer.from(pieces.join('').replace(/-/g, '+').replace(/_/g, '/'), 'base64')];
    for (const bytes of candidates) {
      if (bytes.length < 12) continue;
      const decoded = bytesToText(bytes);
      if (readable(decoded)) out.push(decoded);
    }
  }
  return out;
}

const HEX_RUN = /(?:\\x|0x)?[0-9a-f]{2}(?:[\s:,-]{0,2}(?:\\x|0x)?[0-9a-f]{2}){9,}/gi;

function decodedHex(text: string): string[] {
  return [...text.matchAll(HEX_RUN)].flatMap(([run]) => {
    const hex = run.replace(/\\x|0x/gi, '').replace(/[^0-9a-f]/gi, '');
    if (hex.length % 2 !== 0 || hex.length > MAX_BLOB) return [];
    const decoded = bytesToText(Buffer.from(hex, 'hex'));
    return readable(decoded) ? [decoded] : [];
  });
}

/** Percent-escapes, HTML character references and `\uXXXX` escapes, decoded together. */
function decodedEscapes(text: string): string[] {
  if (!/%[0-9a-f]{2}.*%[0-9a-f]{2}|&#x?[0-9a-f]+;|\\u[0-9a-f]{4}/is.test(text)) return [];
  const decoded = text
    .replace(/(?:%[0-9a-f]{2})+/gi, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'))
    .replace(/&#x([0-9a-f]{1,6});/gi, (_, h: string) => safeChar(parseInt(h, 16)))
    .replace(/&#(\d{1,7});/g, (_, d: string) => safeChar(Number(d)))
    .replace(/\\u([0-9a-f]{4})/gi, (_, h: string) => safeChar(parseInt(h, 16)));
  return decoded !== text ? [decoded] : [];
}

const safeChar = (code: number) => (code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '');

export const rot13 = (text: string) => text.replace(/[a-z]/gi, (c) => String.fromCharCode(((c.toLowerCase().charCodeAt(0) - 97 + 13) % 26) + (c <= 'Z' ? 65 : 97)));

/** Letters spaced apart (`i g n o r e`, `i.g.n.o.r.e`): four or more single letters in a row, each followed by one separator. */
const SPACED_RUN = /(?<![\p{L}\p{N}])(?:[\p{L}\p{N}][ .\-_*·|/\u00a0]{1,3}){4,}[\p{L}\p{N}](?![\p{L}\p{N}])/gu;

function collapsedSpacing(text: string): string | undefined {
  let found = false;
  const collapsed = text.replace(SPACED_RUN, (run) => {
    found = true;
    // A wider gap (two separators or more) was a word break.
    return run.split(/[ .\-_*·|/\u00a0]{2,}/u).map((word) => word.replace(/[ .\-_*·|/\u00a0]/gu, '')).join(' ');
  });
  return found ? collapsed : undefined;
}

const LATIN_LETTERS = /[a-z]/gi;
/**
 * ROT13, reversal and collapsed spacing each screen the whole text again: past this length they are skipped, so a
 * long document costs at most one more pass (decoding, which only reads the blobs it finds, is always done).
 */
const MAX_TRANSFORMED_CHARS = 100_000;

/** Every hidden channel's text found in `text` (base64 as `encoded-instruction`); `transforms`: also ROT13, reversal and collapsed spacing. */
export function decodedViews(text: string, { transforms = true } = {}): DecodedView[] {
  const views: DecodedView[] = [
    ...decodedBase64(text).map((t) => ({ rule: 'encoded-instruction', text: t })),
    ...decodedHex(text).map((t) => ({ rule: 'hex-instruction', text: t })),
    ...decodedEscapes(text).map((t) => ({ rule: 'escaped-instruction', text: t })),
  ];
  if (!transforms || text.length > MAX_TRANSFORMED_CHARS) return views.slice(0, MAX_VIEWS);
  // Mostly Latin letters: ROT13 would turn them back into words.
  if ((text.match(LATIN_LETTERS) ?? []).length >= text.length / 3) views.push({ rule: 'rot13-instruction', text: rot13(text), wordsOnly: true });
  views.push({ rule: 'reversed-instruction', text: [...text].reverse().join(''), wordsOnly: true });
  const spaced = collapsedSpacing(text);
  if (spaced !== undefined) {
    views.push({ rule: 'spaced-letters-instruction', text: spaced, wordsOnly: true }, { rule: 'spaced-letters-instruction', text: spaced.replace(/\s+/g, ''), squeezed: true, wordsOnly: true });
  }
  return views.slice(0, MAX_VIEWS);
}
