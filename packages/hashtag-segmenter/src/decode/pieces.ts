/**
 * Splits a hashtag into pieces before segmentation. Only runs of Latin letters and digits
 * (letters with diacritics included) are segmented into words; every other run is a word of
 * its own: underscores, punctuation, emoji sequences, and runs of other scripts (#東京 stays
 * one word; Cyrillic or Greek runs split only where a lower-case letter meets an upper-case one).
 *
 * Invariant: the pieces' texts joined equal the hashtag without its leading '#'s.
 */
import { latinBase } from '../alphabet';

export interface Piece {
  text: string;
  /** 'latin' pieces go through the segmenter; the others are output as they are. */
  kind: 'latin' | 'other';
}

type CharClass = 'latin' | 'mark' | 'script' | 'emoji' | 'space' | 'underscore' | 'punct';

const EMOJI_PART = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u200d|\ufe0f|\u20e3/u;
const MARK = /\p{M}/u;
const LETTER = /\p{L}/u;
const SPACE = /\s/u;
const DIGIT_ASCII = /[0-9]/;

function classify(ch: string): CharClass {
  const code = ch.charCodeAt(0);
  if (ch.length === 1 && ((code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57))) return 'latin';
  if (ch === '_') return 'underscore';
  if (latinBase(ch) !== null) return 'latin';
  if (MARK.test(ch)) return 'mark';
  if (EMOJI_PART.test(ch)) return 'emoji';
  if (LETTER.test(ch) || /\p{N}/u.test(ch)) return 'script';
  if (SPACE.test(ch)) return 'space';
  if (ch === '_') return 'underscore';
  return 'punct';
}

/** The hashtag without its leading '#' (and full-width '＃') characters. */
export function stripHashes(hashtag: string): string {
  let i = 0;
  while (i < hashtag.length && (hashtag[i] === '#' || hashtag[i] === '\uff03')) i++;
  return hashtag.slice(i);
}

/** Pieces of a hashtag (leading '#'s removed); an empty or '#'-only hashtag has none. */
export function splitPieces(hashtag: string): Piece[] {
  const chars = Array.from(stripHashes(hashtag));
  const pieces: Piece[] = [];
  let current = '';
  let currentClass: CharClass | null = null;
  const flush = () => {
    if (current.length === 0 || currentClass === null) return;
    if (currentClass === 'script') pieces.push(...splitCasedRun(current));
    else pieces.push({ text: current, kind: currentClass === 'latin' ? 'latin' : 'other' });
    current = '';
  };
  for (const ch of chars) {
    let cls = classify(ch);
    // A combining mark belongs to the character before it, whatever that is.
    if (cls === 'mark' && currentClass !== null) cls = currentClass;
    const joins =
      cls === currentClass && cls !== 'punct' && !(cls === 'emoji' && startsNewEmoji(current, ch));
    if (!joins) {
      flush();
      currentClass = cls;
    }
    current += ch;
  }
  flush();
  return pieces;
}

/**
 * Emoji stay together while joined by ZWJ or modified (skin tones, VS16, keycaps); two
 * pictographs side by side are two words. Regional indicators pair up into flags.
 */
function startsNewEmoji(run: string, ch: string): boolean {
  const prev = Array.from(run).pop() ?? '';
  if (ch === '\u200d' || ch === '\ufe0f' || ch === '\u20e3' || /\p{Emoji_Modifier}/u.test(ch)) return false;
  if (prev === '\u200d') return false;
  if (/\p{Regional_Indicator}/u.test(ch)) {
    const indicators = Array.from(run).filter((c) => /\p{Regional_Indicator}/u.test(c)).length;
    return !(/\p{Regional_Indicator}/u.test(prev) && indicators % 2 === 1);
  }
  return true;
}

/** Splits a run of another script where a lower-case letter is followed by an upper-case one. */
function splitCasedRun(run: string): Piece[] {
  const out: Piece[] = [];
  let word = '';
  let prev = '';
  for (const ch of run) {
    if (word.length > 0 && /\p{Ll}/u.test(prev) && /\p{Lu}/u.test(ch)) {
      out.push({ text: word, kind: 'other' });
      word = '';
    }
    word += ch;
    prev = ch;
  }
  if (word.length > 0) out.push({ text: word, kind: 'other' });
  return out;
}

export function isAsciiDigit(ch: string): boolean {
  return DIGIT_ASCII.test(ch);
}
