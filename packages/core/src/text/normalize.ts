/**
 * The one normaliser every package uses before looking a word up (embeddings, vocabularies),
 * so that the same surface forms meet the same vector everywhere.
 */
import { isHashtagToken, isMentionToken, isUrlToken } from './patterns';

export const URL_PLACEHOLDER = '<url>';
export const USER_PLACEHOLDER = '<user>';

const DECIMAL_DIGIT = /\p{Nd}/gu;
const SINGLE_QUOTES = /[\u2018\u2019\u201B\u02BC]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F]/g;
/** Presentation selectors (text U+FE0E, emoji U+FE0F) and skin-tone modifiers. */
const EMOJI_PRESENTATION = /[\uFE0E\uFE0F]|\p{Emoji_Modifier}/gu;

/**
 * Normalises one token for lookup:
 * - a URL becomes `<url>`, an @mention `<user>`;
 * - a hashtag loses its leading `#` (`#NBA`, `NBA` and `nba` all become `nba`); `#1` is not a
 *   hashtag (see `isHashtagToken`) and keeps its `#`;
 * - lower case (locale-independent `toLowerCase`), then Unicode NFC, so `é` typed as `e` + U+0301
 *   and as U+00E9 are one word;
 * - every decimal digit (`\p{Nd}`, Arabic-Indic and others too) becomes `0`, wherever it is
 *   (the emoticon `<3` becomes `<0`, still an entry of its own);
 * - typographic apostrophes and quotes become ASCII (`’` → `'`, `“` → `"`): the NER files mix
 *   both for the same role;
 * - emoji lose variation selectors and skin tones (`❤️` → `❤`, `👍🏽` → `👍`), which say how to
 *   draw the emoji, not what it means; a token made only of them (`🏽` split off by a space) is
 *   kept as it is rather than emptied;
 * - other punctuation and emoji are kept as they are: they are informative context (`!`, `🏀`).
 *
 * Idempotent: `normalizeToken(normalizeToken(t)) === normalizeToken(t)`.
 */
export function normalizeToken(token: string): string {
  if (typeof token !== 'string') {
    throw new TypeError(`normalizeToken: token must be a string, got ${token === null ? 'null' : typeof token}`);
  }
  // Presentation marks go first: they must not hide a leading `#`/`@` from the checks below,
  // nor sit between a letter and its combining mark when NFC composes them.
  const plain = token.replace(EMOJI_PRESENTATION, '');
  const visible = plain.length > 0 ? plain : token;
  if (isUrlToken(visible)) return URL_PLACEHOLDER;
  if (isMentionToken(visible)) return USER_PLACEHOLDER;
  const word = isHashtagToken(visible) ? visible.slice(1) : visible;
  return word
    .toLowerCase()
    .normalize('NFC')
    .replace(DECIMAL_DIGIT, '0')
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"');
}
