/**
 * Synthetic hashtags with gold word boundaries, for training the boundary network.
 *
 * Words come from the lexicon (common words weighted by frequency, flattened so rarer words
 * appear too), SUBTLEX's capitalised words (names, places, brands), and the hand-written lists
 * (social-media words, acronyms, venue/team words). They are assembled into the shapes hashtags
 * take — phrases, names + venue words, "go"/"i love" + name, numbers and years — and written in
 * the case styles people use: lowercase, CamelCase, camelCase, UPPERCASE, Sentence-case, mixed.
 * Some words are stretched or misspelt ("soooo", "nicee") and some are random letter clusters
 * (unknown acronyms), so the network also learns to leave unknown strings whole.
 *
 * Examples contain only letters and digits: underscores, punctuation and emoji are separated
 * by the rule-based piece splitter before the network runs.
 */
import { SeededRandom } from '@trimod/core';
import type { Lexicon } from '../../../../packages/hashtag-segmenter/src/lexicon';
import { ACRONYMS, MIXED_CASE_WORDS, NAME_PREFIXES, NAME_SUFFIXES, SOCIAL_WORDS, words } from './extra-words';

export interface SynthExample {
  text: string;
  /** End index (exclusive) of each word; the last is text.length. */
  ends: number[];
}

type Kind = 'word' | 'proper' | 'acronym' | 'number' | 'alnum' | 'mixed';
interface Token {
  text: string;
  kind: Kind;
}

/** A weighted pool sampled by binary search over cumulative weights. */
class Pool {
  private readonly cumulative: Float64Array;
  constructor(
    readonly items: string[],
    weights?: number[],
  ) {
    if (items.length === 0) throw new Error('synth: empty word pool');
    this.cumulative = new Float64Array(items.length);
    let sum = 0;
    items.forEach((_, i) => {
      sum += weights ? weights[i] : 1;
      this.cumulative[i] = sum;
    });
  }
  pick(rng: SeededRandom): string {
    const x = rng.random() * this.cumulative[this.cumulative.length - 1];
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}

export interface SynthPools {
  common: Pool;
  rare: Pool;
  proper: Pool;
  social: Pool;
  acronyms: Pool;
  suffixes: Pool;
  prefixes: Pool;
  /** Lexicon words mixing letters and digits (mp3, ps3, 2nd, 90s), written whole. */
  alnum: Pool;
  mixedCase: Pool;
}

/** Builds the word pools from a lexicon and the proper nouns of the word lists. */
export function buildPools(lexicon: Lexicon, proper: string[]): SynthPools {
  const ranked = [...lexicon.entries()].filter(([w]) => /^[a-z]+$/.test(w)).sort((a, b) => a[1] - b[1]);
  const common = ranked.slice(0, 40000);
  const rare = ranked.slice(40000, 150000).filter(([w]) => w.length >= 4);
  return {
    // p^0.5 flattens the Zipf curve: "the" stays frequent but the tail gets seen.
    common: new Pool(
      common.map(([w]) => w),
      common.map(([, c]) => Math.exp(-0.5 * c)),
    ),
    rare: new Pool(rare.map(([w]) => w)),
    proper: new Pool(proper),
    social: new Pool(words(SOCIAL_WORDS).map((w) => w.replace(/'/g, ''))),
    acronyms: new Pool(words(ACRONYMS)),
    suffixes: new Pool(words(NAME_SUFFIXES)),
    prefixes: new Pool(NAME_PREFIXES.trim().split(/\s+/)),
    alnum: new Pool(
      [...lexicon.entries()].filter(([w, c]) => /[a-z]/.test(w) && /[0-9]/.test(w) && c < 16).map(([w]) => w),
    ),
    mixedCase: new Pool(words(MIXED_CASE_WORDS)),
  };
}

const VOWELS = 'aeiou';
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function capitalize(w: string): string {
  return w.length === 0 ? w : w[0].toUpperCase() + w.slice(1);
}

/** A stretched or misspelt word: "soooo", "nicee", "tomorow". */
function distort(w: string, rng: SeededRandom): string {
  if (w.length < 3) return w;
  const r = rng.random();
  if (r < 0.5) {
    // Stretch a vowel or the last letter.
    const positions = [...w].map((c, i) => (VOWELS.includes(c) || i === w.length - 1 ? i : -1)).filter((i) => i >= 0);
    const at = positions[rng.int(positions.length)] ?? w.length - 1;
    return w.slice(0, at + 1) + w[at].repeat(1 + rng.int(3)) + w.slice(at + 1);
  }
  if (r < 0.75) {
    const at = rng.int(w.length);
    return w.slice(0, at) + w.slice(at + 1);
  }
  const at = rng.int(w.length);
  return w.slice(0, at) + LETTERS[rng.int(26)] + w.slice(at + 1);
}

function randomAcronym(rng: SeededRandom): string {
  const n = 2 + rng.int(4);
  let out = '';
  for (let i = 0; i < n; i++) out += LETTERS[rng.int(26)].toUpperCase();
  return out;
}

function numberToken(rng: SeededRandom): string {
  const r = rng.random();
  if (r < 0.45) return String(1950 + rng.int(81)); // years
  if (r < 0.7) return String(rng.int(100)).padStart(2, '0'); // '09, 16
  if (r < 0.9) return String(1 + rng.int(12));
  return String(rng.int(1000));
}

function wordToken(pools: SynthPools, rng: SeededRandom): Token {
  const r = rng.random();
  let t: Token;
  if (r < 0.66) t = { text: pools.common.pick(rng), kind: 'word' };
  else if (r < 0.76) t = { text: pools.rare.pick(rng), kind: 'word' };
  else if (r < 0.86) t = { text: pools.proper.pick(rng), kind: 'proper' };
  else if (r < 0.91) t = { text: pools.social.pick(rng), kind: 'word' };
  else if (r < 0.95) t = { text: pools.acronyms.pick(rng), kind: 'acronym' };
  else if (r < 0.97) t = { text: randomAcronym(rng), kind: 'acronym' };
  else if (r < 0.975) t = { text: pools.mixedCase.pick(rng), kind: 'mixed' };
  else if (r < 0.985) t = { text: pools.alnum.pick(rng), kind: 'alnum' };
  else t = { text: numberToken(rng), kind: 'number' };
  if (t.kind === 'word' && rng.random() < 0.05) t.text = distort(t.text, rng);
  return t;
}

/** The words of one hashtag before case styling. */
function tokens(pools: SynthPools, rng: SeededRandom): Token[] {
  const r = rng.random();
  const out: Token[] = [];
  if (r < 0.1) {
    // A name, maybe two-part, maybe with a venue/team/event word: JaredLeto, ScotiabankArena.
    out.push({ text: pools.proper.pick(rng), kind: 'proper' });
    if (rng.random() < 0.4) out.push({ text: pools.proper.pick(rng), kind: 'proper' });
    if (rng.random() < 0.5) out.push({ text: pools.suffixes.pick(rng), kind: 'word' });
  } else if (r < 0.16) {
    // Support and events: GoLakers, ILoveParis, PrayForX.
    for (const w of pools.prefixes.pick(rng).split(' ')) out.push({ text: w, kind: 'word' });
    out.push(rng.random() < 0.7 ? { text: pools.proper.pick(rng), kind: 'proper' } : wordToken(pools, rng));
  } else {
    const lengths = [1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 6];
    const n = lengths[rng.int(lengths.length)];
    for (let i = 0; i < n; i++) out.push(wordToken(pools, rng));
  }
  const d = rng.random();
  if (d < 0.1) out.push({ text: numberToken(rng), kind: 'number' });
  else if (d < 0.12) out.unshift({ text: numberToken(rng), kind: 'number' });
  return out;
}

/** Writes the tokens in one case style. */
function styled(toks: Token[], rng: SeededRandom): string[] {
  const lower = toks.map((t) => t.text.toLowerCase());
  const natural = toks.map((t) => {
    if (t.kind === 'acronym') return t.text.toUpperCase();
    if (t.kind === 'mixed') return t.text; // iPhone, eBay
    if (t.kind === 'alnum') return rng.random() < 0.5 ? t.text.toUpperCase() : capitalize(t.text);
    return capitalize(t.text.toLowerCase());
  });
  const r = rng.random();
  if (toks.length === 1) {
    if (r < 0.5) return lower;
    if (r < 0.8) return natural;
    return lower.map((w) => w.toUpperCase());
  }
  if (r < 0.42) return lower;
  if (r < 0.68) return natural; // CamelCase
  if (r < 0.75) return natural.map((w, i) => (i === 0 && toks[0].kind !== 'acronym' ? w.toLowerCase() : w)); // camelCase
  if (r < 0.82) return lower.map((w) => w.toUpperCase());
  if (r < 0.9) {
    const joined = lower.map((w, i) => (i === 0 ? capitalize(w) : w));
    return joined; // Sentencecase
  }
  return toks.map((t, i) => (rng.random() < 0.35 ? lower[i] : natural[i])); // mixed
}

/** One synthetic hashtag of at most `maxLength` characters. */
export function synthHashtag(pools: SynthPools, rng: SeededRandom, maxLength = 40): SynthExample {
  for (;;) {
    const parts = styled(tokens(pools, rng), rng).filter((w) => w.length > 0);
    const text = parts.join('');
    if (text.length === 0 || text.length > maxLength) continue;
    const ends: number[] = [];
    let pos = 0;
    for (const w of parts) {
      pos += w.length;
      ends.push(pos);
    }
    return { text, ends };
  }
}
