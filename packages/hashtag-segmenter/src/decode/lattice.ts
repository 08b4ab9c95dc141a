/**
 * Viterbi segmentation of one Latin piece over a lattice of candidate words, combining
 * - a unigram language model (the lexicon's −ln p(word), an unknown-word cost by length),
 * - the network's boundary probabilities (−ln p for each split, −ln(1 − p) for each non-split),
 * - case-shape costs (camelCase, acronym ends) when the piece mixes upper and lower case.
 * Digit runs are never split and are words of their own unless the lexicon has a word that
 * covers them whole (mp3, 2nd, ps3).
 */
import { latinBase } from '../alphabet';
import type { Lexicon } from '../lexicon';
import type { DecodeParams } from './params';

/** Probabilities are clamped so that a confident network cannot make a path impossible. */
const MIN_PROB = 1e-6;

/** Lower-case lookup key of each character ('' for combining marks, which lookups ignore). */
export function lookupKeys(chars: readonly string[]): string[] {
  return chars.map((ch) => {
    if (ch.length === 1 && ch.charCodeAt(0) < 128) return ch.toLowerCase();
    if (/\p{M}/u.test(ch)) return '';
    const base = latinBase(ch) ?? ch;
    return base.toLowerCase();
  });
}

const isDigit = (ch: string) => ch >= '0' && ch <= '9';
const isUpper = (ch: string) => ch !== ch.toLowerCase() && ch === ch.toUpperCase();
const isLower = (ch: string) => ch !== ch.toUpperCase() && ch === ch.toLowerCase();

/**
 * Case-shape costs per gap: split[k] is added when the piece is split before character k,
 * keep[k] when it is not. All zero unless the piece mixes upper- and lower-case letters.
 */
export function caseCosts(chars: readonly string[], p: DecodeParams): { split: Float64Array; keep: Float64Array } {
  const n = chars.length;
  const split = new Float64Array(n + 1);
  const keep = new Float64Array(n + 1);
  const letters = chars.map((c) => (c.length === 1 && c.charCodeAt(0) < 128 ? c : (latinBase(c) ?? c)));
  const hasUpper = letters.some(isUpper);
  const hasLower = letters.some(isLower);
  if (hasUpper && !hasLower) {
    // All capitals: no case cues between words, but short letter runs are acronyms.
    let runStart = 0;
    for (let k = 1; k <= n; k++) {
      if (k < n && isUpper(letters[k]) && isUpper(letters[k - 1])) continue;
      if (k - runStart <= p.acronymMaxLength) for (let g = runStart + 1; g < k; g++) split[g] += p.upperSplitPenalty;
      runStart = k;
    }
    return { split, keep };
  }
  if (!hasUpper || !hasLower) return { split, keep };
  for (let k = 1; k < n; k++) {
    const a = letters[k - 1];
    const b = letters[k];
    // A lone lower-case letter opening the piece is a brand prefix (iPhone, eBay), not a word.
    if (isLower(a) && isUpper(b)) keep[k] += k === 1 ? 0 : p.camelPenalty;
    else if (isUpper(a) && isUpper(b)) {
      if (k + 1 < n && isLower(letters[k + 1])) keep[k] += p.acronymPenalty;
      else split[k] += p.upperSplitPenalty;
    } else if (isUpper(a) && isLower(b)) split[k] += p.capitalSplitPenalty;
  }
  return { split, keep };
}

/**
 * Best segmentation of one piece, as the end index of each word (the last is chars.length).
 * `boundaryProbs[k]` is the network's probability that a word ends after character k
 * (length chars.length); null decodes without the network.
 */
export function viterbiSegment(
  chars: readonly string[],
  lexicon: Lexicon | null,
  boundaryProbs: ArrayLike<number> | null,
  p: DecodeParams,
): number[] {
  const n = chars.length;
  if (n === 0) return [];
  const keys = lookupKeys(chars);
  const digit = chars.map(isDigit);
  // digitsBefore[k] = digits among chars[0, k), to count a span's digits in O(1).
  const digitsBefore = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) digitsBefore[k + 1] = digitsBefore[k] + (digit[k] ? 1 : 0);
  const { split, keep } = caseCosts(chars, p);
  // keepPrefix[k] = Σ keep-costs of gaps 1..k (gap k lies before character k); splitCost[k]
  // is the cost of a word ending before character k (0 at the end of the piece).
  const keepPrefix = new Float64Array(n + 1);
  const splitCost = new Float64Array(n + 1);
  for (let k = 1; k <= n; k++) {
    let keepK = k < n ? keep[k] : 0;
    let splitK = k < n ? split[k] : 0;
    if (boundaryProbs && p.neuralWeight !== 0 && k < n) {
      const prob = Math.min(1 - MIN_PROB, Math.max(MIN_PROB, boundaryProbs[k - 1]));
      keepK -= p.neuralWeight * Math.log(1 - prob);
      splitK -= p.neuralWeight * Math.log(prob);
    }
    keepPrefix[k] = keepPrefix[k - 1] + keepK;
    splitCost[k] = splitK;
  }
  const best = new Float64Array(n + 1).fill(Infinity);
  const back = new Int32Array(n + 1).fill(-1);
  best[0] = 0;
  const maxLen = Math.max(1, Math.floor(p.maxWordLength));
  // A word may neither start nor end inside a run of digits.
  const cut = (k: number) => k === 0 || k === n || !(digit[k - 1] && digit[k]);
  const relax = (i: number, j: number, wordCost: number) => {
    if (!cut(j)) return;
    let cost = wordCost;
    if (i === 0 && j === n) cost -= p.wholeBonus;
    // Gaps strictly inside the word (i+1 .. j-1) are kept; the word ends at gap j.
    const total = best[i] + cost + keepPrefix[j - 1] - keepPrefix[i] + splitCost[j];
    if (total < best[j]) {
      best[j] = total;
      back[j] = i;
    }
  };
  const shapes = lexicon && p.unknownCharWeight !== 0 ? lexicon.charModel().spanTables(keys) : null;
  const knownEnds = new Uint8Array(n + 1);
  for (let i = 0; i < n; i++) {
    if (best[i] === Infinity || !cut(i)) continue;
    knownEnds.fill(0);
    lexicon?.forEachWordAt(keys, i, maxLen, (j, cost) => {
      knownEnds[j] = 1;
      relax(i, j, p.lmWeight * cost + p.wordPenalty);
    });
    const stop = Math.min(n, i + maxLen);
    for (let j = i + 1; j <= stop; j++) {
      if (knownEnds[j]) continue;
      const digits = digitsBefore[j] - digitsBefore[i];
      const length = j - i;
      if (digits === length) {
        relax(i, j, p.digitCost + p.wordPenalty);
        continue;
      }
      if (digits > 0) break; // letters and digits together only as lexicon words (mp3, 2nd)
      const shape = shapes ? p.unknownCharWeight * (shapes.start[i] + shapes.inner[j - 1] - shapes.inner[i] + shapes.end[j]) : 0;
      relax(i, j, p.lmWeight * (unknownCost(length, p) + shape) + p.wordPenalty);
    }
  }
  const ends: number[] = [];
  for (let j = n; j > 0; j = back[j]) {
    if (back[j] < 0) throw new Error(`viterbiSegment: no path through "${chars.join('')}" (a bug)`);
    ends.push(j);
  }
  return ends.reverse();
}

/** Cost of a word of `length` characters that is not in the lexicon. */
function unknownCost(length: number, p: DecodeParams): number {
  if (length === 1) return p.singleLetterCost;
  return p.unknownBase + p.unknownPerChar * length + p.unknownLongPerChar * Math.max(0, length - p.unknownLongFrom);
}
