import type { ScoreArrays } from './array-inference';

/**
 * log Z and the forward–backward statistics that are its gradient, on typed arrays: the cpu and
 * wasm backends' TrimodCrfForward (array-kernels.ts), what webgpu/crf-programs.ts computes in
 * WGSL. Training on the tfjs path recorded ~500 small kernels per batch for these recursions
 * (forward, backward, the pair marginals), whose dispatch — not the B·T·K² arithmetic — was the
 * cost: about a sixth of a training step of the default model on wasm.
 *
 * Row b of the output, width statisticsWidth(T, K) = 1 + T·K + K·K + 2K:
 *   log Z_b,
 *   p(y_t = j) for t < T (0 at padding),
 *   Σ_t p(y_{t−1} = i, y_t = j) (row i = from),
 *   p(y_0 = j),
 *   p(y_last = j).
 * Without statistics: log Z alone, [B]. Computed in float64 (log-space, each logSumExp shifted by
 * its max), stored in float32; probabilities are exp(min(·, 0)), so float rounding never makes
 * one exceed 1, as the tensor and WGSL paths do.
 *
 * @param emissions [B, T, K] row-major; rows end at lengths[b] (each in 1..T)
 */
export function partitionArrays(emissions: ArrayLike<number>, lengths: readonly number[], T: number, s: ScoreArrays, statistics: boolean): Float32Array {
  const K = s.numTags;
  const B = lengths.length;
  const W = statistics ? 1 + T * K + K * K + 2 * K : 1;
  const out = new Float32Array(B * W);
  const alpha = new Float64Array(T * K);
  const beta = new Float64Array(K);
  const betaPrev = new Float64Array(K);
  const terms = new Float64Array(K);
  const pairs = new Float64Array(K * K);
  const trans = Float64Array.from(s.transitions);
  const logSumExp = (): number => {
    let m = -Infinity;
    for (let i = 0; i < K; i++) if (terms[i] > m) m = terms[i];
    if (m === -Infinity) return m;
    let sum = 0;
    for (let i = 0; i < K; i++) sum += Math.exp(terms[i] - m);
    return m + Math.log(sum);
  };
  const prob = (logP: number): number => Math.exp(Math.min(logP, 0));
  for (let b = 0; b < B; b++) {
    const length = lengths[b];
    const row = b * T * K;
    for (let j = 0; j < K; j++) alpha[j] = s.start[j] + emissions[row + j];
    for (let t = 1; t < length; t++) {
      const prev = (t - 1) * K;
      for (let j = 0; j < K; j++) {
        for (let i = 0; i < K; i++) terms[i] = alpha[prev + i] + trans[i * K + j];
        alpha[t * K + j] = logSumExp() + emissions[row + t * K + j];
      }
    }
    const last = (length - 1) * K;
    for (let j = 0; j < K; j++) terms[j] = alpha[last + j] + s.end[j];
    const logZ = logSumExp();
    const o = b * W;
    out[o] = logZ;
    if (!statistics) continue;
    const tokens = o + 1;
    const pairsAt = tokens + T * K;
    const firstAt = pairsAt + K * K;
    const lastAt = firstAt + K;
    pairs.fill(0);
    for (let j = 0; j < K; j++) {
      out[lastAt + j] = prob(alpha[last + j] + s.end[j] - logZ);
      beta[j] = s.end[j];
    }
    // Backward from the last real token: the token marginal at t from alpha_t + beta_t, the
    // pair marginals between t − 1 and t from alpha_{t−1} + trans + e_t + beta_t, then beta_{t−1}.
    for (let t = length - 1; t >= 0; t--) {
      for (let j = 0; j < K; j++) out[tokens + t * K + j] = prob(alpha[t * K + j] + beta[j] - logZ);
      if (t === 0) break;
      const e = row + t * K;
      const prev = (t - 1) * K;
      for (let i = 0; i < K; i++) {
        for (let j = 0; j < K; j++) {
          const x = trans[i * K + j] + emissions[e + j] + beta[j];
          terms[j] = x;
          pairs[i * K + j] += prob(alpha[prev + i] + x - logZ);
        }
        betaPrev[i] = logSumExp();
      }
      beta.set(betaPrev);
    }
    for (let q = 0; q < K * K; q++) out[pairsAt + q] = pairs[q];
    for (let j = 0; j < K; j++) out[firstAt + j] = out[tokens + j];
  }
  return out;
}
