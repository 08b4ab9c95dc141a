import * as tf from '@tensorflow/tfjs-core';

/**
 * The per-step reductions of the CRF recursions, written for speed on every backend.
 *
 * Each step combines a batch of scores `prev [B, I]` with a table `[J, I]` into candidates
 * `[B, J, I]` and reduces over I (the last axis). The obvious form, `prev[:, None, :] + table`,
 * broadcasts over a size-1 middle axis, which tfjs's cpu backend does element by element through
 * index arithmetic (about 10x slower than its same-shape or leading-axis loops); so does the
 * `x - max(x, keepDims)` inside tf.logSumExp. Here the size-1 broadcasts are done by a batched
 * matMul with a column of ones (`[1, J, 1] @ [B, 1, I]`), which is exact (x·1 summed once) and
 * fast everywhere; the table then only broadcasts over the leading batch axis.
 */

/** Ones shaped for spreading over J = `height` rows or I = `width` columns. */
export interface Spreaders {
  column: tf.Tensor3D; // [1, height, 1]
  row: tf.Tensor3D; // [1, 1, width]
}

export function spreaders(height: number, width: number): Spreaders {
  return { column: tf.ones([1, height, 1]), row: tf.ones([1, 1, width]) };
}

/** `[B, I]` → `[B, J, I]`: every row of x repeated J times. */
export function repeatRows(x: tf.Tensor2D, ones: Spreaders): tf.Tensor3D {
  const [batch, width] = x.shape;
  return tf.matMul(ones.column, tf.reshape(x, [batch, 1, width]));
}

/** `[B, J]` → `[B, J, I]`: every entry of x repeated I times along a new last axis. */
export function repeatEntries(x: tf.Tensor2D, ones: Spreaders): tf.Tensor3D {
  const [batch, height] = x.shape;
  return tf.matMul(tf.reshape(x, [batch, height, 1]), ones.row);
}

/** Candidates `[B, J, I]`: `prev[b, i] + table[j, i]`. */
export function candidates(prev: tf.Tensor2D, table: tf.Tensor2D, ones: Spreaders): tf.Tensor3D {
  return tf.add(repeatRows(prev, ones), table);
}

/** `[B, J]`: logSumExp over i of `prev[b, i] + table[j, i]`, shifted by the per-(b, j) max so
 * that any magnitude of scores stays finite. */
export function logSumExpStep(prev: tf.Tensor2D, table: tf.Tensor2D, ones: Spreaders): tf.Tensor2D {
  const cand = candidates(prev, table, ones);
  const top = tf.max(cand, 2) as tf.Tensor2D;
  const shifted = tf.sub(cand, repeatEntries(top, ones));
  return tf.add(tf.log(tf.sum(tf.exp(shifted), 2)), top) as tf.Tensor2D;
}

/** `[B, J]` best value and int32 `[B, J]` best i of `prev[b, i] + table[j, i]` (Viterbi). */
export function maxStep(prev: tf.Tensor2D, table: tf.Tensor2D, ones: Spreaders): { best: tf.Tensor2D; from: tf.Tensor2D } {
  const cand = candidates(prev, table, ones);
  return { best: tf.max(cand, 2) as tf.Tensor2D, from: tf.argMax(cand, 2) as tf.Tensor2D };
}
