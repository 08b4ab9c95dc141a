import { isHashtagToken, isMentionToken, isUrlToken } from './patterns';
import { tokenize, type TokenKind } from './tokenizer';

const SIGIL = /^[#\uFF03@\uFF20]$/u;

/**
 * What core's tokenizer says of one token on its own: its kind when `tokenize` keeps it whole,
 * else `word`. Hashtags, mentions and URLs are named by core's predicates (`isHashtagToken`: a
 * `#` or `＃` and a body with a letter, so `#1` is not one).
 */
export function kindOfToken(token: string): TokenKind {
  if (isHashtagToken(token)) return 'hashtag';
  if (isMentionToken(token)) return 'mention';
  if (isUrlToken(token)) return 'url';
  const tokens = tokenize(token);
  return tokens.length === 1 && tokens[0].text === token ? tokens[0].kind : 'word';
}

/**
 * The kind of each token of a post that is already split into tokens, where a hashtag or a
 * mention may be written as its sigil and its body (`#`, `NBA`: the Twitter NER files, and a
 * tagger's model tokens, split them so the body can be tagged). Each token gets `kindOfToken`,
 * except that a sigil and the token after it that together make a hashtag (`isHashtagToken`)
 * or a mention are both of that kind: `#`, `NBA` → hashtag, hashtag; `#`, `1` → punct, number;
 * `＃`, `Tokyo` → hashtag, hashtag. On a post's raw text this agrees with `tokenize`'s kinds.
 */
export function tokenKinds(tokens: readonly string[]): TokenKind[] {
  const kinds = tokens.map(kindOfToken);
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (!SIGIL.test(tokens[i])) continue;
    const joined = tokens[i] + tokens[i + 1];
    const kind: TokenKind | null = isHashtagToken(joined) ? 'hashtag' : isMentionToken(joined) ? 'mention' : null;
    if (kind === null) continue;
    kinds[i] = kind;
    kinds[i + 1] = kind;
    i++;
  }
  return kinds;
}
