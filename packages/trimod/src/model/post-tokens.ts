import { tokenize, type TokenKind } from '@trimod/core';

/**
 * A token the model reads, with `[start, end)` offsets into the post's text and its kind from
 * core's tokenizer (both halves of a split `#NBA` are `hashtag`).
 */
export interface ModelToken {
  text: string;
  start: number;
  end: number;
  kind: TokenKind;
}

/**
 * Splits a post into the tokens the model was trained on. The Twitter NER datasets split the
 * sigil off hashtags and mentions (`#`, `NBA` and `@`, `user`) and tag the word, so we do the
 * same: core's tokenizer keeps `#NBA` whole, and this splits it into two model tokens.
 */
export function modelTokens(text: string): ModelToken[] {
  const out: ModelToken[] = [];
  for (const t of tokenize(text)) {
    if ((t.kind === 'hashtag' || t.kind === 'mention') && t.text.length > 1) {
      out.push({ text: t.text[0], start: t.start, end: t.start + 1, kind: t.kind });
      out.push({ text: t.text.slice(1), start: t.start + 1, end: t.end, kind: t.kind });
    } else {
      out.push({ text: t.text, start: t.start, end: t.end, kind: t.kind });
    }
  }
  return out;
}
