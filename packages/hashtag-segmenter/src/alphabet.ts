/**
 * The character alphabet the boundary model reads. Every Unicode code point maps to one of
 * `ALPHABET_SIZE` ids, so any input (emoji, CJK, Cyrillic) has an id and nothing crashes.
 *
 * ASCII letters keep their case (case is the strongest boundary cue in CamelCase hashtags);
 * Latin letters with diacritics map to their base letter (é → e); other scripts keep only
 * their letter class, which is enough for the model to leave them alone.
 */

export const PAD_ID = 0;
export const OTHER_ID = 1;
const LOWER_BASE = 2; // a..z → 2..27
const UPPER_BASE = 28; // A..Z → 28..53
const DIGIT_BASE = 54; // 0..9 → 54..63
const PUNCT_IDS: Record<string, number> = {
  _: 64,
  '-': 65,
  "'": 66,
  '\u2019': 66,
  '.': 67,
  '&': 68,
};
const OTHER_PUNCT_ID = 69;
const OTHER_LOWER_ID = 70;
const OTHER_UPPER_ID = 71;
const CASELESS_LETTER_ID = 72;
const SYMBOL_ID = 73;
const OTHER_DIGIT_ID = 74;

/** Number of distinct character ids (including padding). */
export const ALPHABET_SIZE = 75;

const LETTER = /\p{L}/u;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;
const DIGIT = /\p{Nd}/u;
const PUNCT = /\p{P}/u;

/** The base ASCII letter of a Latin letter with diacritics (é → e, Ö → O), or null. */
export function latinBase(ch: string): string | null {
  if (ch.length === 1 && ch.charCodeAt(0) < 128) return null; // ASCII: the hot path
  const base = ch.normalize('NFD')[0];
  return base !== undefined && /^[A-Za-z]$/.test(base) && base !== ch ? base : null;
}

/** The id of one code point (a string of one code point; longer strings use the first). */
export function charId(ch: string): number {
  const code = ch.codePointAt(0);
  if (code === undefined) return PAD_ID;
  if (code >= 97 && code <= 122) return LOWER_BASE + code - 97;
  if (code >= 65 && code <= 90) return UPPER_BASE + code - 65;
  if (code >= 48 && code <= 57) return DIGIT_BASE + code - 48;
  const punct = PUNCT_IDS[ch];
  if (punct !== undefined) return punct;
  if (code < 128) return PUNCT.test(ch) ? OTHER_PUNCT_ID : OTHER_ID;
  const base = latinBase(ch);
  if (base !== null) return charId(base);
  if (LETTER.test(ch)) {
    if (UPPER.test(ch)) return OTHER_UPPER_ID;
    if (LOWER.test(ch)) return OTHER_LOWER_ID;
    return CASELESS_LETTER_ID;
  }
  if (DIGIT.test(ch)) return OTHER_DIGIT_ID;
  if (PUNCT.test(ch)) return OTHER_PUNCT_ID;
  return SYMBOL_ID;
}

/**
 * Ids of a sequence of code points, right-padded with PAD_ID to `length`
 * (characters beyond `length` are dropped).
 */
export function encodeChars(chars: readonly string[], length: number): Int32Array {
  const out = new Int32Array(length);
  const n = Math.min(chars.length, length);
  for (let i = 0; i < n; i++) out[i] = charId(chars[i]);
  return out;
}
