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
 * Each row runs forward–backward in scaled probability space (scaledRow): K exponentials per
 * token instead of the log-space recursion's 2K² + K, which made the marginals a tenth of
 * inference time. A row where that would underflow falls back to log space (logSpaceRow).
 */
export function marginalArrays(emissions: ArrayLike<number>, shape: BatchShape, s: ScoreArrays): Float32Array {
  const K = s.numTags;
  const { batch, steps, lengths } = shape;
  const out = new Float32Array(batch * steps * K);
  const work = new Float64Array(3 * steps * K);
  const expTransitions = Float64Array.from(s.transitions, Math.exp);
  for (let b = 0; b < batch; b++) {
    if (!scaledRow(emissions, b * steps * K, lengths[b], s, expTransitions, work, out)) logSpaceRow(emissions, b * steps * K, lengths[b], s, work, out);
  }
  return out;
}

/** Below this a step's normaliser has lost precision to subnormal numbers: use log space. */
const SCALED_FLOOR = 1e-280;

/**
 * One row's marginals in scaled probability space: with p_t(j) = exp(e_t(j) − max_j e_t) and
 * E = exp(transitions), alpha_t = (alpha_{t−1}·E) ⊙ p_t and beta_t = E·(p_{t+1} ⊙ beta_{t+1}),
 * each rescaled to sum 1 (the marginal at t is alpha_t ⊙ beta_t normalised, so the scales
 * cancel). Forbidden transitions are exp(FORBIDDEN_SCORE) = 0. Returns false, writing nothing,
 * when a step's sum underflows (a path's tags all trail the step's best tag by ~700 or more and
 * the best is unreachable): the log-space version handles that row.
 */
function scaledRow(emissions: ArrayLike<number>, row: number, length: number, s: ScoreArrays, E: Float64Array, work: Float64Array, out: Float32Array): boolean {
  const K = s.numTags;
  const n = length * K;
  const p = work.subarray(0, n);
  const alpha = work.subarray(n, 2 * n);
  const beta = work.subarray(2 * n, 3 * n);
  for (let t = 0; t < length; t++) {
    let m = -Infinity;
    for (let j = 0; j < K; j++) m = Math.max(m, emissions[row + t * K + j]);
    for (let j = 0; j < K; j++) p[t * K + j] = Math.exp(emissions[row + t * K + j] - m);
  }
  const normalise = (v: Float64Array, at: number): boolean => {
    let sum = 0;
    for (let j = 0; j < K; j++) sum += v[at + j];
    if (!(sum > SCALED_FLOOR && sum < Infinity)) return false;
    for (let j = 0; j < K; j++) v[at + j] /= sum;
    return true;
  };
  let startMax = -Infinity;
  for (let j = 0; j < K; j++) startMax = Math.max(startMax, s.start[j]);
  for (let j = 0; j < K; j++) alpha[j] = Math.exp(s.start[j] - startMax) * p[j];
  if (!normalise(alpha, 0)) return false;
  for (let t = 1; t < length; t++) {
    const at = t * K;
    for (let j = 0; j < K; j++) {
      let sum = 0;
      for (let i = 0; i < K; i++) sum += alpha[at - K + i] * E[i * K + j];
      alpha[at + j] = sum * p[at + j];
    }
    if (!normalise(alpha, at)) return false;
  }
  let endMax = -Infinity;
  for (let j = 0; j < K; j++) endMax = Math.max(endMax, s.end[j]);
  const last = (length - 1) * K;
  for (let j = 0; j < K; j++) beta[last + j] = Math.exp(s.end[j] - endMax);
  if (!normalise(beta, last)) return false;
  for (let t = length - 2; t >= 0; t--) {
    const at = t * K;
    for (let i = 0; i < K; i++) {
      let sum = 0;
      for (let j = 0; j < K; j++) sum += E[i * K + j] * p[at + K + j] * beta[at + K + j];
      beta[at + i] = sum;
    }
    if (!normalise(beta, at)) return false;
  }
  for (let t = 0; t < length; t++) {
    const at = t * K;
    for (let j = 0; j < K; j++) alpha[at + j] *= beta[at + j];
    if (!normalise(alpha, at)) return false;
  }
  for (let q = 0; q < n; q++) out[row + q] = alpha[q];
  return true;
}

/**
 * One row's marginals in log space (each logSumExp shifted by its max): each step's
 * probabilities are a softmax of alpha + beta, so they sum to one however large the scores.
 */
function logSpaceRow(emissions: ArrayLike<number>, row: number, length: number, s: ScoreArrays, work: Float64Array, out: Float32Array): void {
  const K = s.numTags;
  const alpha = work.subarray(0, length * K);
  const beta = work.subarray(length * K, 2 * length * K);
  const terms = work.subarray(2 * length * K, 2 * length * K + K);
  const logSumExp = (): number => {
    let m = -Infinity;
    for (let i = 0; i < K; i++) if (terms[i] > m) m = terms[i];
    let sum = 0;
    for (let i = 0; i < K; i++) sum += Math.exp(terms[i] - m);
    return m + Math.log(sum);
  };
  for (let j = 0; j < K; j++) alpha[j] = s.start[j] + emissions[row + j];
  for (let t = 1; t < length; t++) {
    for (let j = 0; j < K; j++) {
      for (let i = 0; i < K; i++) terms[i] = alpha[(t - 1) * K + i] + s.transitions[i * K + j];
      alpha[t * K + j] = logSumExp() + emissions[row + t * K + j];
    }
  }
  for (let j = 0; j < K; j++) beta[(length - 1) * K + j] = s.end[j];
  for (let t = length - 2; t >= 0; t--) {
    const e = row + (t + 1) * K;
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) terms[j] = s.transitions[i * K + j] + emissions[e + j] + beta[(t + 1) * K + j];
      beta[t * K + i] = logSumExp();
    }
  }
  for (let t = 0; t < length; t++) {
    for (let j = 0; j < K; j++) terms[j] = alpha[t * K + j] + beta[t * K + j];
    const z = logSumExp();
    for (let j = 0; j < K; j++) out[row + t * K + j] = Math.exp(terms[j] - z);
  }
}
