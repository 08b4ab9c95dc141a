/**
 * A character bigram model of what words look like, estimated from the lexicon's word types
 * (each word once: unknown words in hashtags are mostly rare words and names, so type
 * statistics fit them better than token statistics). It prices unknown words in the lattice:
 * "sadmacface" reads as three words, "hcsm" or "twiistbe" as strings to leave whole.
 *
 * Letters a–z, digits as one class, everything else as one class; add-one smoothing.
 */
import type { Lexicon } from '../lexicon';

const SYMBOLS = 28; // a–z, digit, other
const START = SYMBOLS; // row index of the start context
const END = SYMBOLS; // column index of the end symbol

function symbol(key: string): number {
  const c = key.charCodeAt(0);
  if (c >= 97 && c <= 122) return c - 97;
  if (c >= 48 && c <= 57) return 26;
  return 27;
}

export class CharBigramModel {
  /** −ln P(next | previous): rows are the previous symbol (or START), columns the next (or END). */
  private readonly cost: Float64Array;

  constructor(words: Iterable<string>) {
    const counts = new Float64Array((SYMBOLS + 1) * (SYMBOLS + 1)).fill(1);
    for (const word of words) {
      let prev = START;
      for (const ch of word) {
        const s = symbol(ch);
        counts[prev * (SYMBOLS + 1) + s]++;
        prev = s;
      }
      counts[prev * (SYMBOLS + 1) + END]++;
    }
    this.cost = new Float64Array(counts.length);
    for (let r = 0; r <= SYMBOLS; r++) {
      let total = 0;
      for (let c = 0; c <= SYMBOLS; c++) total += counts[r * (SYMBOLS + 1) + c];
      for (let c = 0; c <= SYMBOLS; c++) this.cost[r * (SYMBOLS + 1) + c] = -Math.log(counts[r * (SYMBOLS + 1) + c] / total);
    }
  }

  static fromLexicon(lexicon: Lexicon): CharBigramModel {
    const words: string[] = [];
    for (const [w] of lexicon.entries()) words.push(w);
    return new CharBigramModel(words);
  }

  /**
   * Span costs for one piece, as arrays the lattice reads in O(1):
   * cost(keys[i, j)) = start[i] + inner[j − 1] − inner[i] + end[j], the −ln probability of the
   * span as a whole word. Keys are lower-case, '' for marks (skipped: a mark neither starts nor
   * ends anything and adds no pair cost).
   */
  spanTables(keys: readonly string[]): { start: Float64Array; inner: Float64Array; end: Float64Array } {
    const n = keys.length;
    const w = SYMBOLS + 1;
    const start = new Float64Array(n);
    const inner = new Float64Array(n);
    const end = new Float64Array(n + 1);
    let prev = -1;
    for (let k = 0; k < n; k++) {
      const s = keys[k].length === 0 ? -1 : symbol(keys[k]);
      const pair = prev >= 0 && s >= 0 ? this.cost[prev * w + s] : 0;
      inner[k] = (k > 0 ? inner[k - 1] : 0) + pair;
      const own = s >= 0 ? s : 27;
      start[k] = this.cost[START * w + own];
      end[k + 1] = this.cost[own * w + END];
      if (s >= 0) prev = s;
    }
    return { start, inner, end };
  }

  /** cost(i, j) of spanTables as a function (for tests and one-off use). */
  spans(keys: readonly string[]): (i: number, j: number) => number {
    const { start, inner, end } = this.spanTables(keys);
    return (i, j) => start[i] + inner[j - 1] - inner[i] + end[j];
  }
}
