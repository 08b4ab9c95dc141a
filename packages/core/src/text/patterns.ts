/**
 * The shapes of special tokens, shared by the tokenizer (which finds them in running text) and
 * the normaliser (which recognises them in a single token, possibly from a data file).
 */

/** Where a URL starts: a scheme we link (`http://`, `https://`, `ftp://`) or a bare `www.`. */
export const URL_PREFIX = /(?:https?:\/\/|ftp:\/\/|www\.)/iy;

/** ASCII characters that cannot occur in a URL as people paste them (RFC 3986 excluded set). */
export const URL_EXCLUDED_ASCII = new Set(['<', '>', '"', '{', '}', '|', '\\', '^', '`']);

/** Punctuation that ends a sentence around a URL far more often than it ends the URL itself. */
export const URL_TRAILING_PUNCTUATION = new Set(['.', ',', ':', ';', '!', '?', "'", '*']);

const URL_TOKEN = /^(?:https?:\/\/|ftp:\/\/|www\.).*[\p{L}\p{N}]/iu;
// The character after the sigil must start a word: a lone combining mark there (`@` + U+0301)
// is one grapheme the tokenizer keeps as punctuation, not a mention.
const MENTION_TOKEN = /^[@\uFF20][\p{L}\p{N}_]/u;
const HASHTAG_TOKEN = /^[#\uFF03](?=[\p{L}\p{N}_])[\p{L}\p{M}\p{N}_]*[\p{L}\p{M}]/u;

/** A URL: a scheme or `www.` followed by at least one letter or digit. */
export function isUrlToken(token: string): boolean {
  return URL_TOKEN.test(token);
}

/** An @mention: `@` (or fullwidth `＠`) directly followed by a word character. */
export function isMentionToken(token: string): boolean {
  return MENTION_TOKEN.test(token);
}

/**
 * A hashtag: `#` (or fullwidth `＃`) followed by word characters that include a letter. As on
 * Twitter, `#1` or `#2017` is not a hashtag (it is a number sign and a number).
 */
export function isHashtagToken(token: string): boolean {
  return HASHTAG_TOKEN.test(token);
}
