/**
 * Token shapes: what lower-casing and normalisation take away from a word's vector lookup
 * (capitals carry much of the signal for names in tweets), as a small id for an embedding.
 */
export const TOKEN_SHAPES = [
  'pad',
  'lower', // "nba", "ok"
  'upper', // "NBA", "USA"
  'title', // "Paris", "I"
  'mixed', // "iPhone", "McDonald"
  'digit', // "2015", "4ever", "3pm"
  'hashtag', // "#NBA"
  'mention', // "@nasa"
  'url', // "https://t.co/x"
  'punct', // ",", "!!!", "..."
  'other', // emoji, symbols, scripts without case
] as const;

export type TokenShape = (typeof TOKEN_SHAPES)[number];

/** Number of shape ids (including 'pad' = 0). */
export const TOKEN_SHAPE_COUNT = TOKEN_SHAPES.length;

const URL_PATTERN = /^(https?:\/\/|www\.)\S+$/i;

/** The shape of a raw token (as it appears in the post, before normalisation). */
export function tokenShape(token: string): TokenShape {
  if (token.length === 0) return 'other';
  if (token.length > 1 && token[0] === '#') return 'hashtag';
  if (token.length > 1 && token[0] === '@') return 'mention';
  if (URL_PATTERN.test(token)) return 'url';
  if (/\p{Nd}/u.test(token)) return 'digit';
  if (/\p{Extended_Pictographic}/u.test(token)) return 'other';
  const letters = token.match(/\p{L}/gu);
  if (!letters) return /^[\p{P}\p{S}]+$/u.test(token) ? 'punct' : 'other';
  const upper = letters.filter((c) => c !== c.toLowerCase()).length;
  const lower = letters.filter((c) => c !== c.toUpperCase()).length;
  if (upper === 0 && lower === 0) return 'other'; // scripts without case
  if (upper === 0) return 'lower';
  if (lower === 0) return letters.length === 1 ? 'title' : 'upper';
  const first = letters[0];
  if (first !== first.toLowerCase() && upper === 1) return 'title';
  return 'mixed';
}

/** The shape id (index into TOKEN_SHAPES) of a raw token. */
export function tokenShapeId(token: string): number {
  return TOKEN_SHAPES.indexOf(tokenShape(token));
}
