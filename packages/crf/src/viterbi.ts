import * as tf from '@tensorflow/tfjs-core';
import type { BatchShape } from './inputs';
import { maxStep, spreaders } from './step-ops';
import type { CrfScores } from './steps';
import type { ScoredPath } from './types';

/** The tensors Viterbi leaves for the JS backtrack. */
export interface ViterbiTensors {
  /** int32 `[T' - 1, B, K]`: at step t+1, the best previous tag for each current tag. */
  pointers: tf.Tensor;
  /** `[B, K]`: best score of a full sequence ending in each tag (end scores included). */
  final: tf.Tensor2D;
}

/**
 * Max-product forward pass: per step, max and argMax over the previous tag i of
 * `score[b, i] + transitions[i, j]` (see step-ops for the layout). Rows past their end keep their score, so `final`
 * holds each row's score at its own last token.
 */
export function viterbiForward(scores: CrfScores, emit: tf.Tensor2D[], masks: (tf.Tensor | null)[]): ViterbiTensors {
  const numTags = emit[0].shape[1];
  const ones = spreaders(numTags, numTags);
  const toFrom = tf.transpose(scores.transitions) as tf.Tensor2D; // [to, from]
  let score = tf.add(scores.start, emit[0]) as tf.Tensor2D;
  const pointers: tf.Tensor2D[] = [];
  for (let t = 1; t < emit.length; t++) {
    const { best, from } = maxStep(score, toFrom, ones);
    pointers.push(from);
    const next = tf.add(best, emit[t]) as tf.Tensor2D;
    const mask = masks[t];
    score = mask ? (tf.where(mask, next, score) as tf.Tensor2D) : next;
  }
  return {
    pointers: pointers.length ? tf.stack(pointers) : tf.zeros([0, ...score.shape], 'int32'),
    final: tf.add(score, scores.end) as tf.Tensor2D,
  };
}

/**
 * Follows the pointers back from each row's best final tag (O(B·T) in JS).
 * @param pointers `[T' - 1, B, K]` row-major
 * @param final `[B, K]` row-major
 */
export function viterbiBacktrack(pointers: ArrayLike<number>, final: ArrayLike<number>, shape: BatchShape, numTags: number): ScoredPath[] {
  const { batch, lengths } = shape;
  const k = numTags;
  return lengths.map((length, b) => {
    let tag = 0;
    for (let j = 1; j < k; j++) if (final[b * k + j] > final[b * k + tag]) tag = j;
    const tags = new Array<number>(length);
    tags[length - 1] = tag;
    for (let t = length - 1; t > 0; t--) {
      tag = pointers[((t - 1) * batch + b) * k + tag];
      tags[t - 1] = tag;
    }
    return { tags, score: final[b * k + tags[length - 1]] };
  });
}
