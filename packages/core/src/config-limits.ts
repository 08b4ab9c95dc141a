/**
 * Upper bounds on the sizes a model config may ask for. A model.json is input: a typo or a
 * hostile file asking for a text encoder with `wordHidden: 4000` used to make loading allocate
 * gigabytes and run its initialisation for minutes before any weight was checked. Real models
 * stay far below these (the default model: hidden 150, fusion 256, 100-d words).
 */

/** One layer dimension: embedding size, output size, attention size, filters. */
export const MAX_LAYER_SIZE = 4096;
/** A recurrent layer's hidden size (it holds hidden² weights per gate and direction). */
export const MAX_RECURRENT_SIZE = 2048;
/** Rows of a lookup table that is not a vocabulary (hash buckets, alphabets). */
export const MAX_TABLE_ROWS = 2_000_000;
/** Tags of a CRF. */
export const MAX_TAGS = 1024;

/**
 * Throws `<owner>: "<key>" must be at most <max>, got <value>` when a config integer is over its
 * bound; returns the value. Lower bounds stay with each class's own checks.
 */
export function checkAtMost(owner: string, key: string, value: number, max: number): number {
  if (value > max) throw new Error(`${owner}: "${key}" must be at most ${max}, got ${value} (a model this large is not one TriMod.js builds)`);
  return value;
}
