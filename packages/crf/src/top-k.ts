import * as tf from '@tensorflow/tfjs-core';
import type { BatchShape } from './inputs';
import { repeatEntries, repeatRows, spreaders } from './step-ops';
import type { CrfScores } from './steps';
import type { ScoredPath } from './types';

/** The tensors top-k Viterbi leaves for the JS backtrack. */
export interface TopKTensors {
  /**
   * int32 `[T' - 1, B, K, k]`: at step t+1, for each (current tag j, rank r), the flat index
   * `i * k + r'` of the (previous tag, previous rank) it extends.
   */
  pointers: tf.Tensor;
  /** `[B, k]`: the k best full-sequence scores, best first. */
  finalScores: tf.Tensor2D;
  /** int32 `[B, k]`: flat index `j * k + r` of the (last tag, rank) each of them ends in. */
  finalIndices: tf.Tensor2D;
}

/**
 * k-best Viterbi: keeps the k best partial scores per (step, tag) in `[B, K, k]`. Per step all
 * K·k candidates for each current tag (every previous tag and rank) are laid out on the last
 * axis and tf.topk picks the k best, so the whole batch and all tags move in a few ops.
 * Ranks that hold no path yet start at `impossible`, so they only surface when fewer than k
 * paths exist; the caller drops them by score.
 */
export function topKForward(scores: CrfScores, emit: tf.Tensor2D[], masks: (tf.Tensor | null)[], k: number, impossible: number): TopKTensors {
  const [batch, numTags] = emit[0].shape;
  const first = tf.expandDims(tf.add(scores.start, emit[0]), 2);
  let score = (k === 1 ? first : tf.concat([first, tf.fill([batch, numTags, k - 1], impossible)], 2)) as tf.Tensor3D;
  // Candidates for tag j laid out as [B, j, (i, r)]: the previous scores repeated for every j
  // (step-ops explains why by matMul), plus transitions[i, j] repeated over the k ranks.
  const overTags = spreaders(numTags, numTags * k);
  const overRanks = spreaders(k, k);
  const toFromRanked = tf.reshape(tf.tile(tf.reshape(tf.transpose(scores.transitions), [numTags, numTags, 1]), [1, 1, k]), [numTags, numTags * k]);
  const pointers: tf.Tensor[] = [];
  for (let t = 1; t < emit.length; t++) {
    const candidates = tf.add(repeatRows(tf.reshape(score, [batch, numTags * k]), overTags), toFromRanked);
    const best = tf.topk(candidates, k);
    pointers.push(best.indices);
    const next = tf.add(best.values, repeatEntries(emit[t], overRanks)) as tf.Tensor3D;
    const mask = masks[t];
    score = mask ? (tf.where(mask, next, score) as tf.Tensor3D) : next;
  }
  const final = tf.reshape(tf.add(score, tf.reshape(scores.end, [1, numTags, 1])), [batch, numTags * k]);
  const best = tf.topk(final, k);
  return {
    pointers: pointers.length ? tf.stack(pointers) : tf.zeros([0, batch, numTags, k], 'int32'),
    finalScores: best.values as tf.Tensor2D,
    finalIndices: best.indices as tf.Tensor2D,
  };
}

/**
 * Follows the top-k pointers back in JS. Paths scoring at or below `invalidBelow` went through an
 * empty rank or a forbidden transition and are dropped, so a row may get fewer than k paths.
 */
export function topKBacktrack(
  pointers: ArrayLike<number>,
  finalScores: ArrayLike<number>,
  finalIndices: ArrayLike<number>,
  shape: BatchShape,
  numTags: number,
  k: number,
  invalidBelow: number,
): ScoredPath[][] {
  const { batch, lengths } = shape;
  const stride = numTags * k;
  return lengths.map((length, b) => {
    const paths: ScoredPath[] = [];
    for (let r = 0; r < k; r++) {
      const score = finalScores[b * k + r];
      if (!(score > invalidBelow)) continue;
      const flat = finalIndices[b * k + r];
      let tag = Math.floor(flat / k);
      let rank = flat % k;
      const tags = new Array<number>(length);
      tags[length - 1] = tag;
      for (let t = length - 1; t > 0; t--) {
        const from = pointers[((t - 1) * batch + b) * stride + tag * k + rank];
        tag = Math.floor(from / k);
        rank = from % k;
        tags[t - 1] = tag;
      }
      paths.push({ tags, score });
    }
    return paths;
  });
}
