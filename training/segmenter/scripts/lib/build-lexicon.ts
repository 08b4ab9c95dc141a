/**
 * Builds the unigram lexicon from the npm word lists: a mixture of three unigram estimates,
 * p(w) = a·p_subtlex(w) + b·p_ninja(w) + c·p_wink(w) + d·p_extra(w), cost = −ln p(w).
 * SUBTLEX has counts; the two ranked lists get Zipf's law, p(rank r) = 1 / (r · H_N).
 */
import { Lexicon } from '../../../../packages/hashtag-segmenter/src/lexicon';
import { ACRONYMS, SOCIAL_WORDS, words } from './extra-words';
import { readSubtlex, readWinkWords, readWordsNinja } from './word-lists';

export interface LexiconMix {
  subtlex: number;
  ninja: number;
  wink: number;
  extra: number;
  /** Wink words beyond this rank are left out (its tail is mostly noise). */
  winkLimit: number;
  /** Words whose cost is above this are left out (keeps the shipped file small). */
  maxCost: number;
}

export const DEFAULT_MIX: LexiconMix = {
  subtlex: 0.4,
  ninja: 0.3,
  wink: 0.25,
  extra: 0.05,
  winkLimit: 200000,
  maxCost: 19,
};

/** The raw lists, read once and reused while tuning the mixture. */
export interface WordSources {
  subtlex: Map<string, number>;
  subtlexTotal: number;
  ninja: string[];
  wink: string[];
  extra: string[];
  /** SUBTLEX words usually written with a capital (names, places, brands), as written. */
  proper: string[];
}

const WORD = /^[a-z0-9]+$/;

export function readWordSources(winkLimit = DEFAULT_MIX.winkLimit): WordSources {
  const subtlex = new Map<string, number>();
  const proper: string[] = [];
  let subtlexTotal = 0;
  for (const { word, count } of readSubtlex()) {
    subtlexTotal += count;
    if (/^[A-Z][a-z]{2,}$/.test(word)) proper.push(word);
    const w = word.toLowerCase();
    if (WORD.test(w)) subtlex.set(w, (subtlex.get(w) ?? 0) + count);
  }
  const extra = [...words(SOCIAL_WORDS), ...words(ACRONYMS)].map((w) => w.toLowerCase().replace(/'/g, ''));
  return { subtlex, subtlexTotal, ninja: readWordsNinja(), wink: readWinkWords(winkLimit), extra, proper };
}

function harmonic(n: number): number {
  return Math.log(n) + 0.5772156649;
}

/**
 * Words the lattice may use: letters and digits with at least one letter (digit runs have their
 * own cost), and no single letters but a and i (the decoder prices other single letters).
 */
function allowed(word: string): boolean {
  return WORD.test(word) && /[a-z]/.test(word) && (word.length > 1 || word === 'a' || word === 'i');
}

export function buildLexicon(sources: WordSources, mix: LexiconMix = DEFAULT_MIX): Lexicon {
  const p = new Map<string, number>();
  const add = (w: string, v: number) => p.set(w, (p.get(w) ?? 0) + v);
  for (const [w, count] of sources.subtlex) if (allowed(w)) add(w, (mix.subtlex * count) / sources.subtlexTotal);
  const hn = harmonic(sources.ninja.length);
  sources.ninja.forEach((w, r) => {
    const lw = w.toLowerCase();
    if (allowed(lw)) add(lw, mix.ninja / ((r + 1) * hn));
  });
  const hw = harmonic(sources.wink.length);
  const winkCount = Math.min(sources.wink.length, mix.winkLimit);
  for (let r = 0; r < winkCount; r++) {
    const w = sources.wink[r];
    if (allowed(w)) add(w, mix.wink / ((r + 1) * hw));
  }
  // The hand-written lists are spread evenly: each is about as likely as a word ranked ~2000.
  for (const w of sources.extra) if (allowed(w)) add(w, mix.extra / (2000 * harmonic(2000)));
  const entries: [string, number][] = [];
  for (const [w, v] of p) {
    const cost = -Math.log(v);
    if (cost <= mix.maxCost) entries.push([w, cost]);
  }
  return new Lexicon(entries);
}
