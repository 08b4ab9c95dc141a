import type { JsonObject } from '@trimod/core';

/**
 * Weights of the lattice decoder's costs (all in nats). Stored in model.json beside the
 * network's config, so a model and the decoder settings tuned for it travel together.
 */
export interface DecodeParams {
  /** Multiplies the lexicon's −ln p(word); 0 ignores the word list (neural only). */
  lmWeight: number;
  /** Multiplies the network's −ln p(boundary decisions); 0 ignores the network (LM only). */
  neuralWeight: number;
  /** Added per word: > 0 prefers fewer, longer words. */
  wordPenalty: number;
  /** Cost of a word not in the lexicon: unknownBase + unknownPerChar · length. */
  unknownBase: number;
  unknownPerChar: number;
  /** Weight of the character bigram model's −ln p(word) in the cost of an unknown word. */
  unknownCharWeight: number;
  /** Extra cost per character of an unknown word beyond `unknownLongFrom` characters. */
  unknownLongPerChar: number;
  unknownLongFrom: number;
  /** Cost of a single letter other than a and i (not a word on its own, but "e" in eBay is). */
  singleLetterCost: number;
  /** Subtracted when the whole piece is one word: many hashtags are a single (unknown) word. */
  wholeBonus: number;
  /** Cost of a run of digits (always one word). */
  digitCost: number;
  /** Cost of not splitting where a lower-case letter meets an upper-case one (camelCase). */
  camelPenalty: number;
  /** Cost of not splitting before the last capital of "ABCdef" (NBAFinals → NBA Finals). */
  acronymPenalty: number;
  /** Cost of splitting between two capitals that are not such an acronym end. */
  upperSplitPenalty: number;
  /**
   * In a piece without lower-case letters, runs of at most this many capitals are taken for
   * acronyms (splitting inside costs upperSplitPenalty): DSAS09 → DSAS 09, not DS AS 09.
   */
  acronymMaxLength: number;
  /** Cost of splitting between a capital and the lower-case letter after it ("A|rena"). */
  capitalSplitPenalty: number;
  /** Longest span considered as one word (longer unknown runs become several words). */
  maxWordLength: number;
}

export const DEFAULT_DECODE_PARAMS: DecodeParams = {
  lmWeight: 1,
  neuralWeight: 1,
  wordPenalty: 0,
  unknownBase: 10.5,
  unknownPerChar: 0.5,
  unknownCharWeight: 0.5,
  unknownLongPerChar: 2,
  unknownLongFrom: 10,
  singleLetterCost: 20,
  wholeBonus: 0,
  digitCost: 8,
  camelPenalty: 8,
  acronymPenalty: 4,
  upperSplitPenalty: 4,
  acronymMaxLength: 5,
  capitalSplitPenalty: 8,
  maxWordLength: 32,
};

/** Reads decode params from JSON, keeping defaults for missing fields and naming bad ones. */
export function parseDecodeParams(json: JsonObject | undefined, source = 'decode params'): DecodeParams {
  const out: DecodeParams = { ...DEFAULT_DECODE_PARAMS };
  if (!json) return out;
  for (const key of Object.keys(DEFAULT_DECODE_PARAMS) as (keyof DecodeParams)[]) {
    const v = json[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new Error(`${source}: "${key}" must be a finite number, got ${JSON.stringify(v)}`);
    }
    out[key] = v;
  }
  if (!(out.maxWordLength >= 1)) throw new Error(`${source}: "maxWordLength" must be at least 1`);
  return out;
}

export function decodeParamsToJson(p: DecodeParams): JsonObject {
  return { ...p };
}
