/**
 * Word ↔ index maps for embedding tables.
 */
import { normalizeToken } from './normalize';

export const PAD_TOKEN = '<pad>';
export const UNK_TOKEN = '<unk>';
export const PAD_INDEX = 0;
export const UNK_INDEX = 1;

const JSON_FORMAT = 'trimod-vocabulary';
const JSON_VERSION = 1;

export interface VocabularyBuildOptions {
  /** Words seen fewer times than this are left out (default 1). */
  minCount?: number;
  /** Largest `size`, specials included (default Infinity): the rows of the embedding table. */
  maxSize?: number;
  /** Apply `normalizeToken` when building and on every lookup (default true). */
  normalize?: boolean;
  /** More reserved entries, placed after `<pad>` and `<unk>` and looked up verbatim. */
  extraSpecials?: string[];
}

/** `Vocabulary.toJSON()`: plain JSON. `specials` starts with `<pad>`, `<unk>`; words follow. */
export type VocabularyJson = {
  format: typeof JSON_FORMAT;
  version: typeof JSON_VERSION;
  normalize: boolean;
  specials: string[];
  words: string[];
};

/**
 * A fixed list of words with `<pad>` at index 0 and `<unk>` at index 1. Special entries are
 * matched exactly; every other lookup goes through the same normalisation as at build time, and
 * an unknown word gets index 1.
 */
/** Most lookups a Vocabulary remembers (a few MB of short strings). */
const NORMALISED_MEMO_SIZE = 100_000;

export class Vocabulary {
  private readonly entries: readonly string[];
  private readonly index: Map<string, number>;
  private readonly specialCount: number;
  /**
   * indexOf's answers for normalised lookups, kept because posts repeat their tokens and
   * normalizeToken (four regex passes and NFC) cost more than the rest of a lookup. Emptied when
   * it reaches NORMALISED_MEMO_SIZE, so a long stream of new tokens cannot grow it without end.
   */
  private readonly normalisedMemo = new Map<string, number>();

  private constructor(
    specials: readonly string[],
    words: readonly string[],
    /** Whether lookups normalise with `normalizeToken`. */
    readonly normalizes: boolean,
  ) {
    this.entries = [...specials, ...words];
    this.specialCount = specials.length;
    this.index = new Map(this.entries.map((word, i) => [word, i]));
  }

  /**
   * Counts `tokens` (normalised unless `normalize: false`) and keeps words seen at least
   * `minCount` times, most frequent first, ties in plain code-unit order (`<`, not locale
   * order, so every machine builds the same vocabulary), cut to `maxSize` entries in all.
   */
  static build(tokens: Iterable<string>, options: VocabularyBuildOptions = {}): Vocabulary {
    const { minCount = 1, maxSize = Infinity, normalize = true, extraSpecials = [] } = options;
    if (!Number.isInteger(minCount) || minCount < 1) {
      throw new Error(`Vocabulary.build: minCount must be an integer >= 1, got ${minCount}`);
    }
    if (!Array.isArray(extraSpecials)) throw new TypeError('Vocabulary.build: extraSpecials must be an array of strings');
    const specials = [PAD_TOKEN, UNK_TOKEN, ...checkSpecials(extraSpecials, 'Vocabulary.build: extraSpecials', [PAD_TOKEN, UNK_TOKEN])];
    if (maxSize !== Infinity && (!Number.isInteger(maxSize) || maxSize < specials.length)) {
      throw new Error(
        `Vocabulary.build: maxSize must be an integer >= ${specials.length} (the special entries) or Infinity, got ${maxSize}`,
      );
    }
    if (tokens === null || tokens === undefined || typeof (tokens as Iterable<string>)[Symbol.iterator] !== 'function') {
      throw new TypeError('Vocabulary.build: tokens must be an iterable of strings');
    }
    // Special names are not words: text equal to one is looked up as that special, and text that
    // only normalises to one (`<PAD>`) as unknown, so neither is counted.
    const reserved = new Set(specials);
    const counts = new Map<string, number>();
    let position = 0;
    for (const token of tokens) {
      if (typeof token !== 'string') {
        throw new TypeError(`Vocabulary.build: token ${position} is a ${typeof token}, not a string`);
      }
      position += 1;
      if (reserved.has(token)) continue;
      const word = normalize ? normalizeToken(token) : token;
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    const words = [...counts]
      .filter(([word, n]) => n >= minCount && !reserved.has(word))
      .sort(([a, na], [b, nb]) => nb - na || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, maxSize - specials.length)
      .map(([word]) => word);
    return new Vocabulary(specials, words, normalize);
  }

  /** Rebuilds a vocabulary from `toJSON()` output, checking it and naming what is wrong. */
  static fromJSON(json: unknown): Vocabulary {
    const where = 'Vocabulary.fromJSON';
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new Error(`${where}: expected an object, got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`);
    }
    const value = json as Record<string, unknown>;
    if (value.format !== JSON_FORMAT) {
      throw new Error(`${where}: "format" must be "${JSON_FORMAT}", got ${JSON.stringify(value.format)}`);
    }
    if (value.version !== JSON_VERSION) {
      throw new Error(`${where}: unsupported "version" ${JSON.stringify(value.version)} (this code reads version ${JSON_VERSION})`);
    }
    if (typeof value.normalize !== 'boolean') {
      throw new Error(`${where}: "normalize" must be a boolean, got ${JSON.stringify(value.normalize)}`);
    }
    const specials = stringArray(value.specials, `${where}: "specials"`);
    const words = stringArray(value.words, `${where}: "words"`);
    if (specials[0] !== PAD_TOKEN || specials[1] !== UNK_TOKEN) {
      throw new Error(`${where}: "specials" must start with "${PAD_TOKEN}", "${UNK_TOKEN}", got ${JSON.stringify(specials.slice(0, 2))}`);
    }
    checkSpecials(specials.slice(2), `${where}: "specials"`, [PAD_TOKEN, UNK_TOKEN], 2);
    const seen = new Set(specials);
    words.forEach((word, i) => {
      if (seen.has(word)) throw new Error(`${where}: "words"[${i}] ${JSON.stringify(word)} appears twice`);
      seen.add(word);
      // A word that normalisation would change could never be found again by indexOf.
      if (value.normalize && normalizeToken(word) !== word) {
        throw new Error(
          `${where}: "words"[${i}] ${JSON.stringify(word)} is not normalised (normalizeToken gives ${JSON.stringify(normalizeToken(word))}) but "normalize" is true`,
        );
      }
    });
    return new Vocabulary(specials, words, value.normalize);
  }

  /** Number of entries, specials included. */
  get size(): number {
    return this.entries.length;
  }

  /** Index of `word` (normalised first, unless it is a special entry); `UNK_INDEX` if unknown. */
  indexOf(word: string): number {
    const exact = this.index.get(word);
    if (exact !== undefined && (exact < this.specialCount || !this.normalizes)) return exact;
    if (!this.normalizes) return UNK_INDEX;
    const known = this.normalisedMemo.get(word);
    if (known !== undefined) return known;
    const found = this.index.get(normalizeToken(word));
    // `<PAD>` normalises to `<pad>`, but only the exact special names reach special entries,
    // as at build time, where tokens that normalise to a special name are not counted.
    const id = found === undefined || found < this.specialCount ? UNK_INDEX : found;
    if (this.normalisedMemo.size >= NORMALISED_MEMO_SIZE) this.normalisedMemo.clear();
    this.normalisedMemo.set(word, id);
    return id;
  }

  /** `indexOf` of every token: a row of ids for an embedding lookup. */
  encode(tokens: readonly string[]): number[] {
    return tokens.map((token) => this.indexOf(token));
  }

  /** The entry at index `i`; throws for an index outside [0, size). */
  wordAt(i: number): string {
    if (!Number.isInteger(i) || i < 0 || i >= this.entries.length) {
      throw new RangeError(`Vocabulary.wordAt: index ${i} is outside [0, ${this.entries.length})`);
    }
    return this.entries[i];
  }

  /** Whether `word` has an entry of its own (after normalisation) rather than mapping to `<unk>`. */
  has(word: string): boolean {
    return this.indexOf(word) !== UNK_INDEX || word === UNK_TOKEN;
  }

  /** Every entry in index order, specials first (a copy). */
  words(): string[] {
    return [...this.entries];
  }

  toJSON(): VocabularyJson {
    return {
      format: JSON_FORMAT,
      version: JSON_VERSION,
      normalize: this.normalizes,
      specials: this.entries.slice(0, this.specialCount),
      words: this.entries.slice(this.specialCount),
    };
  }
}

function stringArray(value: unknown, what: string): string[] {
  if (!Array.isArray(value)) throw new Error(`${what} must be an array of strings, got ${value === null ? 'null' : typeof value}`);
  value.forEach((item, i) => {
    if (typeof item !== 'string') throw new Error(`${what}[${i}] must be a string, got ${item === null ? 'null' : typeof item}`);
  });
  return value as string[];
}

/** Checks reserved names (`offset`: index of `specials[0]` in the full list, for messages). */
function checkSpecials(specials: readonly unknown[], what: string, taken: readonly string[], offset = 0): string[] {
  const seen = new Set<string>(taken);
  specials.forEach((special, i) => {
    if (typeof special !== 'string' || special.length === 0) {
      throw new Error(`${what}[${i + offset}] must be a non-empty string, got ${JSON.stringify(special)}`);
    }
    if (seen.has(special)) throw new Error(`${what}[${i + offset}] ${JSON.stringify(special)} appears twice`);
    seen.add(special);
  });
  return specials as string[];
}
