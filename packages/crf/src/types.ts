import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * Which transitions a CRF may take, as plain JSON (it is stored in the CRF's config).
 * Like AllenNLP's constraint mask it covers the virtual start and end states too.
 * - `transitions[i][j]`: tag `i` may be followed by tag `j`; `[K][K]`.
 * - `start[j]`: a sequence may begin with tag `j`; `[K]`.
 * - `end[i]`: a sequence may end with tag `i`; `[K]`.
 */
export interface TransitionMask {
  transitions: boolean[][];
  start: boolean[];
  end: boolean[];
}

/**
 * How `logLikelihood` reduces the per-sequence values `[B]`:
 * - `none`: `[B]`;
 * - `sum`: scalar sum over the batch;
 * - `mean`: scalar mean over the batch;
 * - `tokenMean`: scalar sum divided by the number of real tokens (so long and short batches
 *   weigh each token the same).
 */
export type Reduction = 'none' | 'sum' | 'mean' | 'tokenMean';

/**
 * A mask `[B, T]`: 1 (or true) for a real token, 0 (or false) for padding. Each row must be a
 * prefix of ones with at least one token. A tensor (bool, int32 or float32) or nested JS arrays;
 * JS arrays spare the CRF a read of tensor data (useful on backends where reads are slow).
 */
export type MaskInput = Tensor | ReadonlyArray<ReadonlyArray<number | boolean>>;

/** Gold tags `[B, T]`: an int32 tensor (float tensors holding whole numbers are accepted) or JS arrays. */
export type TagsInput = Tensor | ReadonlyArray<ReadonlyArray<number>>;

/** One decoded sequence with its unnormalised score (sum of emission and transition scores). */
export interface ScoredPath {
  tags: number[];
  score: number;
}
