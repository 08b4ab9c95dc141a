import * as tf from '@tensorflow/tfjs-core';
import { logSumExpStep, spreaders } from './step-ops';
import type { CrfScores } from './steps';

/**
 * The forward algorithm in log space. Returns alpha_t `[B, K]` for every step t: the log of the
 * summed scores of all prefixes ending in each tag at t. A row past its end keeps its last alpha,
 * so alpha at the final step is alpha at each row's own last token.
 *
 * One small group of ops per step: logSumExp over the previous tag i of
 * `alpha[b, i] + transitions[i, j]` (see step-ops for the layout), plus the step's emissions
 * (added after the reduction, which is the same sum and touches K times fewer numbers).
 */
export function forwardAlphas(scores: CrfScores, emit: tf.Tensor2D[], masks: (tf.Tensor | null)[]): tf.Tensor2D[] {
  const numTags = emit[0].shape[1];
  const ones = spreaders(numTags, numTags);
  const toFrom = tf.transpose(scores.transitions) as tf.Tensor2D; // [to, from]
  let alpha = tf.add(scores.start, emit[0]) as tf.Tensor2D;
  const alphas = [alpha];
  for (let t = 1; t < emit.length; t++) {
    const next = tf.add(logSumExpStep(alpha, toFrom, ones), emit[t]) as tf.Tensor2D;
    const mask = masks[t];
    alpha = mask ? (tf.where(mask, next, alpha) as tf.Tensor2D) : next;
    alphas.push(alpha);
  }
  return alphas;
}

/** log Z `[B]`: the log of the summed scores of every tag sequence of each row's length. */
export function logPartitionFromAlpha(scores: CrfScores, lastAlpha: tf.Tensor2D): tf.Tensor1D {
  return tf.logSumExp(tf.add(lastAlpha, scores.end), 1) as tf.Tensor1D;
}
