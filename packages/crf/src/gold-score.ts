import * as tf from '@tensorflow/tfjs-core';
import type { BatchShape } from './inputs';
import type { CrfScores } from './steps';

/**
 * Score `[B]` of the given tag sequences: emissions of the chosen tags plus start, transition and
 * end scores. The tags are already in JS (they were read to be checked), so the path is turned
 * into indicator arrays there and the score is two products: no gather, whose gradient some
 * backends lack, and gradients reach every table through plain mul / matMul.
 *
 * @param emissions `[B, T, K]`
 * @param tags row-major `[B * T]`, valid at real tokens
 */
export function goldScore(scores: CrfScores, emissions: tf.Tensor3D, tags: Int32Array, shape: BatchShape): tf.Tensor1D {
  const { batch, steps, lengths } = shape;
  const k = emissions.shape[2];
  const tableWidth = k * k + 2 * k;
  const emissionPicks = new Float32Array(batch * steps * k);
  // Per row: how often each transition (i → j) is used, then one-hots of the first and last tag.
  const tablePicks = new Float32Array(batch * tableWidth);
  for (let b = 0; b < batch; b++) {
    const row = b * steps;
    const table = b * tableWidth;
    for (let t = 0; t < lengths[b]; t++) {
      emissionPicks[(row + t) * k + tags[row + t]] = 1;
      if (t > 0) tablePicks[table + tags[row + t - 1] * k + tags[row + t]] += 1;
    }
    tablePicks[table + k * k + tags[row]] = 1;
    tablePicks[table + k * k + k + tags[row + lengths[b] - 1]] = 1;
  }
  const emissionPart = tf.sum(tf.mul(emissions, tf.tensor3d(emissionPicks, [batch, steps, k])), [1, 2]);
  const table = tf.concat([tf.reshape(scores.transitions, [k * k]), scores.start, scores.end]);
  const tablePart = tf.matMul(tf.tensor2d(tablePicks, [batch, tableWidth]), tf.reshape(table, [tableWidth, 1]));
  return tf.add(emissionPart, tf.reshape(tablePart, [batch])) as tf.Tensor1D;
}
