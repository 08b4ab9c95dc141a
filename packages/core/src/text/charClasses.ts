/**
 * What the tokenizer needs to know about one character or one grapheme cluster.
 */

/**
 * Characters that separate tokens and never appear inside one: Unicode white space (JavaScript's
 * `\s`, which also covers U+FEFF) plus invisible layout controls that carry no lexical content
 * (zero-width space, word joiner, bidi marks, embeddings and isolates). Tweets, RTL ones above
 * all, are full of the latter; as tokens they would only be noise in a vocabulary.
 */
export const SEPARATOR_PATTERN = /[\s\u200B\u2060\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]/u;
const SEPARATOR_GLOBAL = new RegExp(SEPARATOR_PATTERN.source, 'gu');

/** True when the single character `ch` separates tokens (see `SEPARATOR_PATTERN`). */
export function isSeparator(ch: string): boolean {
  return SEPARATOR_PATTERN.test(ch);
}

/** `text` without its separator characters: what the tokens of `text`, concatenated, spell. */
export function removeSeparators(text: string): string {
  return text.replace(SEPARATOR_GLOBAL, '');
}

/** How the tokenizer treats a grapheme cluster. */
export enum GraphemeClass {
  /** Only separator characters: dropped. */
  Separator = 0,
  /** Separators mixed with other characters (e.g. a space followed by U+0301 or U+FE0F). */
  MixedSeparator = 1,
  /** Starts with a letter (or a mark with nothing before it to attach to). */
  Letter = 2,
  /** Starts with a decimal digit. */
  Digit = 3,
  /** Starts with another number character (², ½, Ⅻ) or an underscore: part of words. */
  OtherWordChar = 4,
  Emoji = 5,
  /** Punctuation, symbols, controls, lone surrogates: one token per cluster. */
  Other = 6,
}

export function isWordClass(c: GraphemeClass): boolean {
  return c === GraphemeClass.Letter || c === GraphemeClass.Digit || c === GraphemeClass.OtherWordChar;
}

const LETTER = /\p{L}|\p{M}/u;
const DIGIT = /\p{Nd}/u;
const OTHER_WORD_CHAR = /[\p{N}_]/u;
const SEPARATOR_ANYWHERE = SEPARATOR_PATTERN;
const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}/u;

/**
 * Code points that begin an emoji cluster even on their own: the variation selector-16, the
 * zero-width joiner, skin-tone modifiers and tag characters. They stand alone when a space was
 * put between them and their base (the Twitter NER files do this: `❤ ️`, `✊ 🏽`).
 */
function isEmojiComponent(cp: number): boolean {
  return cp === 0xfe0f || cp === 0x200d || (cp >= 0x1f3fb && cp <= 0x1f3ff) || (cp >= 0xe0020 && cp <= 0xe007f);
}

/** ASCII classes, by code unit, for the common case of a one-character cluster. */
const ASCII_CLASS: GraphemeClass[] = [];
for (let code = 0; code < 128; code += 1) {
  const ch = String.fromCharCode(code);
  if (SEPARATOR_PATTERN.test(ch)) ASCII_CLASS.push(GraphemeClass.Separator);
  else if (/[A-Za-z]/.test(ch)) ASCII_CLASS.push(GraphemeClass.Letter);
  else if (/[0-9]/.test(ch)) ASCII_CLASS.push(GraphemeClass.Digit);
  else if (ch === '_') ASCII_CLASS.push(GraphemeClass.OtherWordChar);
  else ASCII_CLASS.push(GraphemeClass.Other);
}

/** Classifies the cluster `text.slice(start, end)`. */
export function classifyGrapheme(text: string, start: number, end: number): GraphemeClass {
  const first = text.charCodeAt(start);
  if (end - start === 1 && first < 128) return ASCII_CLASS[first];
  const cluster = text.slice(start, end);
  if (SEPARATOR_ANYWHERE.test(cluster)) {
    for (const ch of cluster) if (!isSeparator(ch)) return GraphemeClass.MixedSeparator;
    return GraphemeClass.Separator;
  }
  const cp = cluster.codePointAt(0) as number;
  if (isEmojiComponent(cp) || cluster.includes('\u20e3')) return GraphemeClass.Emoji; // U+20E3: keycap 1️⃣
  const base = String.fromCodePoint(cp);
  if (PICTOGRAPHIC.test(base)) {
    // ©, ®, ™, ‼, ↔ and friends are Extended_Pictographic but are everyday typographic symbols
    // in text presentation; they count as emoji only when VS16 asks for emoji presentation.
    if (cp < 0x2300 && !cluster.includes('\ufe0f')) return GraphemeClass.Other;
    return GraphemeClass.Emoji;
  }
  if (LETTER.test(base)) return GraphemeClass.Letter;
  if (DIGIT.test(base)) return GraphemeClass.Digit;
  if (OTHER_WORD_CHAR.test(base)) return GraphemeClass.OtherWordChar;
  return GraphemeClass.Other;
}
