import type { BatchShape } from './inputs';
import type { ScoredPath } from './types';

/**
 * Viterbi and forward–backward on typed arrays, for inference. The tensor recursions run about
 * ten small kernels per time step, so with K = 9 tags their cost is kernel dispatch, not
 * arithmetic: a 40-token batch took ~400 kernels, a 40,000-token post ~400,000. Here the
 * emissions are read once and the B·T·K² work is a few plain loops.
 *
 * Viterbi rounds every sum to float32 (Math.fround) in the same order as the tensor version,
 * so it picks the same path, ties included (the first best previous tag wins, as tf.argMax);
 * the marginals are computed in float64 and agree with the float32 tensor version to ~1e-6.
 */

/** The score tables, any constraint penalty already added: transitions [K·K] row = from. */
export interface ScoreArrays {
  numTags: number;
  transitions: Float32Array;
  start: Float32Array;
  end: Float32Array;
}

/**
 * The best path of each row. `emissions` is [B, T, K] row-major with T = shape.steps; rows
 * end at shape.lengths (each ≥ 1). The score is the path's unnormalised score, end included.
 */
export function viterbiArrays(emissions: ArrayLike<number>, shape: BatchShape, s: ScoreArrays): ScoredPath[] {
  const K = s.numTags;
  const { steps, lengths } = shape;
  const f = Math.fround;
  let score = new Float32Array(K);
  let next = new Float32Array(K);
  return lengths.map((length, b) => {
    const row = b * steps * K;
    for (let j = 0; j < K; j++) score[j] = f(s.start[j] + emissions[row + j]);
    // pointers[(t − 1)·K + j]: the best previous tag for tag j at step t.
    const pointers = new Uint8Array(Math.max(0, length - 1) * K);
    for (let t = 1; t < length; t++) {
      const e = row + t * K;
      for (let j = 0; j < K; j++) {
        let best = f(score[0] + s.transitions[j]);
        let from = 0;
        for (let i = 1; i < K; i++) {
          const c = f(score[i] + s.transitions[i * K + j]);
          if (c > best) {
            best = c;
            from = i;
          }
        }
        next[j] = f(best + emissions[e + j]);
        pointers[(t - 1) * K + j] = from;
      }
      [score, next] = [next, score];
    }
    let tag = 0;
    let top = f(score[0] + s.end[0]);
    for (let j = 1; j < K; j++) {
      const v = f(score[j] + s.end[j]);
      if (v > top) {
        top = v;
        tag = j;
      }
    }
    const tags = new Array<number>(length);
    tags[length - 1] = tag;
    for (let t = length - 1; t > 0; t--) {
      tag = pointers[(t - 1) * K + tag];
      tags[t - 1] = tag;
    }
    return { tags, score: top };
  });
}

/**
 * p(y_t = j | x) for every real token: [B, T, K] row-major (T = shape.steps), zero at padding.
 * Log-space forward–backward; each step's probabilities are a softmax of alpha + beta, so they
 * sum to one however large the scores.
 */
export function marginalArrays(emissions: ArrayLike<number>, shape: BatchShape, s: ScoreArrays): Float32Array {
  const K = s.numTags;
  const { batch, steps, lengths } = shape;
  const out = new Float32Array(batch * steps * K);
  const alpha = new Float64Array(steps * K);
  const beta = new Float64Array(steps * K);
  const terms = new Float64Array(K);
  const logSumExp = (n: number): number => {
    let m = -Infinity;
    for (let i = 0; i < n; i++) if (terms[i] > m) m = terms[i];
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(terms[i] - m);
    return m + Math.log(sum);
  };
  for (let b = 0; b < batch; b++) {
    const length = lengths[b];
    const row = b * steps * K;
    for (let j = 0; j < K; j++) alpha[j] = s.start[j] + emissions[row + j];
    for (let t = 1; t < length; t++) {
      for (let j = 0; j < K; j++) {
        for (let i = 0; i < K; i++) terms[i] = alpha[(t - 1) * K + i] + s.transitions[i * K + j];
        alpha[t * K + j] = logSumExp(K) + emissions[row + t * K + j];
      }
    }
    for (let j = 0; j < K; j++) beta[(length - 1) * K + j] = s.end[j];
    for (let t = length - 2; t >= 0; t--) {
      const e = row + (t + 1) * K;
      for (let i = 0; i < K; i++) {
        for (let j = 0; j < K; j++) terms[j] = s.transitions[i * K + j] + emissions[e + j] + beta[(t + 1) * K + j];
        beta[t * K + i] = logSumExp(K);
      }
    }
    for (let t = 0; t < length; t++) {
      for (let j = 0; j < K; j++) terms[j] = alpha[t * K + j] + beta[t * K + j];
      const z = logSumExp(K);
      for (let j = 0; j < K; j++) out[row + t * K + j] = Math.exp(terms[j] - z);
    }
  }
  return out;
}
