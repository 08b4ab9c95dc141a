import * as tf from '@tensorflow/tfjs-core';
import { forwardAlphas } from './forward';
import { logSumExpStep, spreaders } from './step-ops';
import type { CrfScores } from './steps';

/**
 * The backward algorithm in log space: beta_t `[B, K]` is the log of the summed scores of all
 * suffixes after step t given tag j at t, end scores included. A row's last token (and any
 * padding after it) gets beta = end.
 */
export function backwardBetas(scores: CrfScores, emit: tf.Tensor2D[], masks: (tf.Tensor | null)[]): tf.Tensor2D[] {
  const [batch, numTags] = emit[0].shape;
  const ones = spreaders(numTags, numTags);
  const atEnd = tf.broadcastTo(scores.end, [batch, numTags]) as tf.Tensor2D;
  const betas = new Array<tf.Tensor2D>(emit.length);
  let beta = atEnd;
  betas[emit.length - 1] = beta;
  for (let t = emit.length - 2; t >= 0; t--) {
    // logSumExp over the next tag j of transitions[i, j] + emit_{t+1}[j] + beta_{t+1}[j].
    const next = logSumExpStep(tf.add(emit[t + 1], beta) as tf.Tensor2D, scores.transitions, ones);
    const mask = masks[t + 1];
    beta = mask ? (tf.where(mask, next, atEnd) as tf.Tensor2D) : next;
    betas[t] = beta;
  }
  return betas;
}

/**
 * Per-token tag probabilities `[B, T', K]` by forward–backward. alpha_t + beta_t summed over tags
 * is log Z at every step, so a softmax over tags equals exp(alpha + beta - log Z) and is
 * normalised exactly even where float32 rounding of large scores would make log Z drift.
 * Padding positions are left for the caller to zero.
 */
export function forwardBackwardMarginals(scores: CrfScores, emit: tf.Tensor2D[], masks: (tf.Tensor | null)[]): tf.Tensor3D {
  const alphas = forwardAlphas(scores, emit, masks);
  const betas = backwardBetas(scores, emit, masks);
  return tf.softmax(tf.add(tf.stack(alphas, 1), tf.stack(betas, 1))) as tf.Tensor3D;
}
