/**
 * Tweet tokenizer with character offsets.
 *
 * It splits the way the Twitter multimodal NER files (Twitter-2015 / Twitter-2017) are split:
 * every punctuation character is its own token (`...` → `.` `.` `.`, `U.S.` → `U` `.` `S` `.`),
 * apostrophes too (`don't` → `don` `'` `t`, `it's` → `it` `'` `s`), hyphens too, each emoji is
 * its own token, and numbers keep inner `.`/`,` (`10,000`, `9.30`) plus a comma that directly
 * follows them before a space (`May 21, 2016` → `21,`), as the files do.
 *
 * Where the files lose information we keep it: the files split `#NBA` into `#` `NBA` and
 * `@user` into `@` `user`; here a hashtag, a mention and a URL are one token each, marked by
 * `kind`, so the hashtag segmenter can find hashtags. `normalizeToken` maps `#NBA` and `NBA` to
 * the same word. On the space-joined gold tokens of the files (`# NBA`) the two agree.
 *
 * Guarantees: `text.slice(t.start, t.end) === t.text`; tokens are in order and do not overlap;
 * no token contains a separator (white space, invisible layout controls: see `isSeparator`);
 * the tokens concatenated equal `removeSeparators(text)`; a token boundary is always a grapheme
 * boundary, except that a cluster holding a separator (a space followed by U+0301 or by U+FE0F,
 * as the NER files have it in `❤ ️`) is cut at the separator, since the separator cannot be part
 * of a token and the rest cannot vanish. Runs in time linear in the length of the text.
 */
import { GraphemeClass, classifyGrapheme, isSeparator, isWordClass } from './charClasses';
import { emoticonLengthAt } from './emoticons';
import { graphemeBoundaries } from './graphemes';
import { URL_EXCLUDED_ASCII, URL_PREFIX, URL_TRAILING_PUNCTUATION } from './patterns';

export type TokenKind = 'word' | 'hashtag' | 'mention' | 'url' | 'emoji' | 'emoticon' | 'punct' | 'number';

export const TOKEN_KINDS: readonly TokenKind[] = ['word', 'hashtag', 'mention', 'url', 'emoji', 'emoticon', 'punct', 'number'];

/** One token: `text === source.slice(start, end)`; offsets are UTF-16 code units. */
export interface Token {
  text: string;
  start: number;
  end: number;
  kind: TokenKind;
}

/** The text cut into grapheme clusters, with the class of each. */
interface Clusters {
  readonly text: string;
  /** Cluster `i` is `text.slice(bounds[i], bounds[i + 1])`. */
  readonly bounds: number[];
  readonly classes: Uint8Array;
  readonly count: number;
}

/** Splits a tweet into tokens with offsets into `text`; see the module comment for the rules. */
export function tokenize(text: string): Token[] {
  if (typeof text !== 'string') {
    throw new TypeError(`tokenize: text must be a string, got ${text === null ? 'null' : typeof text}`);
  }
  const tokens: Token[] = [];
  if (text.length === 0) return tokens;
  const clusters = analyse(text);
  const { bounds, classes, count } = clusters;
  const push = (from: number, to: number, kind: TokenKind): void => {
    const start = bounds[from];
    const end = bounds[to];
    tokens.push({ text: text.slice(start, end), start, end, kind });
  };

  let i = 0;
  while (i < count) {
    const cls = classes[i] as GraphemeClass;
    if (cls === GraphemeClass.Separator) {
      i += 1;
      continue;
    }
    if (cls === GraphemeClass.MixedSeparator) {
      pushSeparatedPieces(text, bounds[i], bounds[i + 1], tokens);
      i += 1;
      continue;
    }
    const afterWord = i > 0 && isWordClass(classes[i - 1] as GraphemeClass);
    if (!afterWord) {
      let end = matchUrl(clusters, i);
      if (end > i) {
        push(i, end, 'url');
        i = end;
        continue;
      }
      end = matchMention(clusters, i);
      if (end > i) {
        push(i, end, 'mention');
        i = end;
        continue;
      }
      end = matchHashtag(clusters, i);
      if (end > i) {
        push(i, end, 'hashtag');
        i = end;
        continue;
      }
      end = matchEmoticon(clusters, i);
      if (end > i) {
        push(i, end, 'emoticon');
        i = end;
        continue;
      }
    }
    if (isWordClass(cls)) {
      const { end, isNumber } = scanWord(clusters, i);
      push(i, end, isNumber ? 'number' : 'word');
      i = end;
      continue;
    }
    push(i, i + 1, cls === GraphemeClass.Emoji ? 'emoji' : 'punct');
    i += 1;
  }
  return tokens;
}

function analyse(text: string): Clusters {
  const bounds = graphemeBoundaries(text);
  const count = bounds.length - 1;
  const classes = new Uint8Array(count);
  for (let i = 0; i < count; i += 1) classes[i] = classifyGrapheme(text, bounds[i], bounds[i + 1]);
  return { text, bounds, classes, count };
}

/** The cluster's character when it is a single UTF-16 code unit, else ''. */
function singleChar(c: Clusters, i: number): string {
  return c.bounds[i + 1] - c.bounds[i] === 1 ? c.text[c.bounds[i]] : '';
}

function isUrlCluster(c: Clusters, i: number): boolean {
  const cls = c.classes[i] as GraphemeClass;
  if (cls === GraphemeClass.Separator || cls === GraphemeClass.MixedSeparator || cls === GraphemeClass.Emoji) return false;
  const first = c.text.charCodeAt(c.bounds[i]);
  if (first < 128) return first > 0x20 && first !== 0x7f && !URL_EXCLUDED_ASCII.has(c.text[c.bounds[i]]);
  // Beyond ASCII only letters and digits (internationalised domains and paths), so that `…`,
  // curly quotes and CJK punctuation after a link end it.
  return isWordClass(cls);
}

function count(text: string, ch: string): number {
  let n = 0;
  for (let k = text.indexOf(ch); k !== -1; k = text.indexOf(ch, k + 1)) n += 1;
  return n;
}

/** End cluster of a URL starting at cluster `i`, or -1. */
function matchUrl(c: Clusters, i: number): number {
  const start = c.bounds[i];
  const first = c.text.charCodeAt(start) | 0x20; // lower-cases ASCII letters
  if (first !== 0x68 /* h */ && first !== 0x66 /* f */ && first !== 0x77 /* w */) return -1;
  URL_PREFIX.lastIndex = start;
  const prefix = URL_PREFIX.exec(c.text);
  if (prefix === null) return -1;
  const prefixEnd = start + prefix[0].length;
  let j = i;
  while (j < c.count && isUrlCluster(c, j)) j += 1;
  // Drop punctuation that belongs to the sentence, keeping closing brackets the URL opened
  // (`https://en.wikipedia.org/wiki/Rome_(city)`).
  while (j > i && c.bounds[j] > prefixEnd) {
    const last = singleChar(c, j - 1);
    if (URL_TRAILING_PUNCTUATION.has(last)) {
      j -= 1;
      continue;
    }
    if (last === ')' || last === ']') {
      const url = c.text.slice(start, c.bounds[j]);
      const open = last === ')' ? '(' : '[';
      if (count(url, last) > count(url, open)) {
        j -= 1;
        continue;
      }
    }
    break;
  }
  const end = c.bounds[j];
  if (end <= prefixEnd || !/[\p{L}\p{N}]/u.test(c.text.slice(prefixEnd, end))) return -1;
  return j;
}

/** End cluster of an @mention starting at cluster `i`, or -1. */
function matchMention(c: Clusters, i: number): number {
  const ch = singleChar(c, i);
  if (ch !== '@' && ch !== '\uff20') return -1;
  let j = i + 1;
  while (j < c.count && isWordClass(c.classes[j] as GraphemeClass)) j += 1;
  return j > i + 1 ? j : -1;
}

/** End cluster of a #hashtag starting at cluster `i`, or -1 (needs a letter: `#1` is not one). */
function matchHashtag(c: Clusters, i: number): number {
  const ch = singleChar(c, i);
  if (ch !== '#' && ch !== '\uff03') return -1;
  // `&#39;` is an HTML character reference, not a hashtag.
  if (i > 0 && singleChar(c, i - 1) === '&') return -1;
  let j = i + 1;
  let hasLetter = false;
  while (j < c.count && isWordClass(c.classes[j] as GraphemeClass)) {
    if (c.classes[j] === GraphemeClass.Letter) hasLetter = true;
    j += 1;
  }
  return hasLetter ? j : -1;
}

/** End cluster of an emoticon starting at cluster `i`, or -1. */
function matchEmoticon(c: Clusters, i: number): number {
  const start = c.bounds[i];
  const length = emoticonLengthAt(c.text, start);
  if (length === 0) return -1;
  const end = start + length;
  let j = i + 1;
  while (j < c.count && c.bounds[j] < end) j += 1;
  if (c.bounds[j] !== end) return -1; // the emoticon would end inside a cluster
  const last = c.text.charCodeAt(end - 1);
  const endsAlphanumeric = (last >= 0x30 && last <= 0x39) || ((last | 0x20) >= 0x61 && (last | 0x20) <= 0x7a);
  if (endsAlphanumeric && j < c.count && isWordClass(c.classes[j] as GraphemeClass)) return -1; // `:Dallas`, `<30`
  if ((last === 0x2f || last === 0x5c) && j < c.count && singleChar(c, j) === c.text[end - 1]) return -1; // `://`
  return j;
}

/**
 * A run of word clusters starting at `i`. A `.` or `,` between digits stays inside a number
 * (`10,000`, `2.0`), and a `,` straight after a number and before a separator or the end
 * stays on it, as in the NER files (`21,`).
 */
function scanWord(c: Clusters, i: number): { end: number; isNumber: boolean } {
  let j = i;
  let allDigits = true;
  while (j < c.count) {
    const cls = c.classes[j] as GraphemeClass;
    if (isWordClass(cls)) {
      if (cls !== GraphemeClass.Digit) allDigits = false;
      j += 1;
      continue;
    }
    if (allDigits && j > i) {
      const ch = singleChar(c, j);
      if (ch === '.' || ch === ',') {
        const next = j + 1 < c.count ? (c.classes[j + 1] as GraphemeClass) : undefined;
        if (next === GraphemeClass.Digit) {
          j += 1;
          continue;
        }
        if (ch === ',' && (next === undefined || next === GraphemeClass.Separator || next === GraphemeClass.MixedSeparator)) {
          j += 1;
        }
      }
    }
    break;
  }
  return { end: j, isNumber: allDigits };
}

/**
 * A cluster that mixes separators with other characters: the separators go, and each run of the
 * other characters becomes a token (this is the one place a cluster is cut; see the module note).
 */
function pushSeparatedPieces(text: string, start: number, end: number, tokens: Token[]): void {
  let pieceStart = -1;
  let k = start;
  while (k <= end) {
    const cp = k < end ? (text.codePointAt(k) as number) : -1;
    const width = cp > 0xffff ? 2 : 1;
    const separator = cp !== -1 && isSeparator(String.fromCodePoint(cp));
    if (cp === -1 || separator) {
      if (pieceStart !== -1) {
        tokens.push({ text: text.slice(pieceStart, k), start: pieceStart, end: k, kind: pieceKind(text, pieceStart, k) });
        pieceStart = -1;
      }
    } else if (pieceStart === -1) {
      pieceStart = k;
    }
    k += width;
  }
}

function pieceKind(text: string, start: number, end: number): TokenKind {
  switch (classifyGrapheme(text, start, end)) {
    case GraphemeClass.Emoji:
      return 'emoji';
    case GraphemeClass.Digit:
      return 'number';
    case GraphemeClass.Letter:
    case GraphemeClass.OtherWordChar:
      return 'word';
    default:
      return 'punct';
  }
}
