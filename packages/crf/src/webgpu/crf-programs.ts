/**
 * WGSL programs for the CRF on the webgpu backend (run by crf-webgpu-kernels.ts through
 * tfjs-backend-webgpu's runWebGPUProgram). Each is one dispatch with one workgroup per sequence
 * and one thread per tag; the recursion's state (alpha, beta, Viterbi scores and pointers) lives
 * in workgroup memory, with a barrier between steps, instead of the tfjs path's ~10 kernels per
 * step. Inputs: emit [B, T, K] emissions, trans [K, K] (row = from), startScore [K], endScore [K], lens [B]
 * int32 (every length ≥ 1). A workgroup runs T steps whatever its length (a barrier needs a
 * uniform loop bound); steps past the length change nothing.
 *
 * K and the workgroup size are compiled in (part of shaderKey); B and T come from tfjs's
 * generated uniforms (emitShape), so a new batch shape reuses the pipeline.
 */

/** The fields of tfjs-backend-webgpu's WebGPUProgram these programs set (structurally typed: the backend package is not imported). */
export interface CrfProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  getUserCode: () => string;
}

/** Most tags the programs take: one thread per tag in a workgroup of at most 256. */
export const MAX_WEBGPU_TAGS = 256;
/** Viterbi keeps (T − 1)·K back-pointers in workgroup memory (WebGPU guarantees 16 KB): at most this many. */
export const MAX_VITERBI_POINTERS = 3072;

const INPUTS = ['emit', 'trans', 'startScore', 'endScore', 'lens'];

function workgroup(K: number): number {
  return Math.min(256, Math.max(32, Math.ceil(K / 32) * 32));
}

/** Stats row width: log Z, token marginals [T, K], pair sums [K, K], first [K], last [K] (log-partition.ts's layout). */
export function statisticsWidth(T: number, K: number): number {
  return 1 + T * K + K * K + 2 * K;
}

/** logSumExp over the previous tag i of alpha[i] + trans[i, j], shifted by its max. */
const FORWARD_STEP = /* wgsl */ `
  fn forwardStep(j : i32) -> f32 {
    var m = alpha[0] + trans[j];
    for (var i = 1; i < K; i++) { m = max(m, alpha[i] + trans[i * K + j]); }
    var s = 0.0;
    for (var i = 0; i < K; i++) { s = s + exp(alpha[i] + trans[i * K + j] - m); }
    return m + log(s);
  }
`;

/**
 * The forward algorithm. Without `statistics`: log Z [B]. With it, forward–backward, one row
 * per sequence of width statisticsWidth(T, K): log Z, p(y_t = j) (0 at padding),
 * Σ_t p(y_{t−1} = i, y_t = j), p(y_0 = j), p(y_last = j) — the marginals that are log Z's
 * gradient. Alpha of every step is kept in the token rows of the output and turned into the
 * token marginal in place as the backward sweep passes it.
 */
export function forwardProgram(B: number, T: number, K: number, statistics: boolean): CrfProgram {
  const WG = workgroup(K);
  const W = statisticsWidth(T, K);
  const PPT = Math.ceil((K * K) / WG);
  const outputShape = statistics ? [B, W] : [B];
  return {
    variableNames: INPUTS,
    outputShape,
    shaderKey: `trimodCrfForward_${K}_${WG}_${statistics ? 1 : 0}`,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [B, 1, 1],
    workgroupSize: [WG, 1, 1],
    getUserCode: () => /* wgsl */ `
      const K = ${K};
      var<workgroup> alpha : array<f32, ${K}>;
      var<workgroup> beta : array<f32, ${K}>;
      var<workgroup> logZ : f32;
      ${FORWARD_STEP}
      // exp(min(x, 0)): a probability, kept ≤ 1 against float rounding (as log-partition.ts does).
      fn prob(x : f32) -> f32 { return exp(min(x, 0.0)); }
      fn main(index : i32) {
        let b = i32(workgroupId.x);
        let T = uniforms.emitShape.y;
        let j = i32(localId.x);
        let len = lens[b];
        let W = ${statistics ? '1 + T * K + K * K + 2 * K' : '1'};
        let tokens = b * W + 1;
        if (j < K) {
          alpha[j] = startScore[j] + emit[b * T * K + j];
          ${statistics ? 'result[tokens + j] = alpha[j];' : ''}
        }
        workgroupBarrier();
        for (var t = 1; t < T; t++) {
          let real = t < len && j < K;
          var next = 0.0;
          if (real) { next = forwardStep(j) + emit[(b * T + t) * K + j]; }
          workgroupBarrier();
          if (real) {
            alpha[j] = next;
            ${statistics ? 'result[tokens + t * K + j] = next;' : ''}
          }
          workgroupBarrier();
        }
        if (j == 0) {
          var m = alpha[0] + endScore[0];
          for (var i = 1; i < K; i++) { m = max(m, alpha[i] + endScore[i]); }
          var s = 0.0;
          for (var i = 0; i < K; i++) { s = s + exp(alpha[i] + endScore[i] - m); }
          logZ = m + log(s);
          ${statistics ? 'result[b * W] = logZ;' : 'result[b] = logZ;'}
        }
        ${statistics ? backwardSweep(WG, PPT) : ''}
      }
    `,
  };
}

/** The statistics' backward sweep (inside forwardProgram's main): beta in workgroup memory, pair sums per thread. */
function backwardSweep(WG: number, PPT: number): string {
  return /* wgsl */ `
        workgroupBarrier();
        let lz = logZ;
        let pairs = tokens + T * K;
        if (j < K) {
          result[pairs + K * K + K + j] = prob(alpha[j] + endScore[j] - lz);
          beta[j] = endScore[j];
          for (var t = len; t < T; t++) { result[tokens + t * K + j] = 0.0; }
        }
        var pairSum : array<f32, ${PPT}>;
        for (var u = 0; u < ${PPT}; u++) { pairSum[u] = 0.0; }
        storageBarrier();
        workgroupBarrier();
        for (var s = 0; s < T; s++) {
          let t = T - 1 - s;
          let real = t < len;
          var token = 0.0;
          var betaPrev = 0.0;
          if (real && j < K) {
            token = prob(result[tokens + t * K + j] + beta[j] - lz);
            if (t > 0) {
              // beta_{t−1}[j] = logSumExp over the next tag q of trans[j, q] + e_t[q] + beta_t[q].
              var m = trans[j * K] + emit[(b * T + t) * K] + beta[0];
              for (var q = 1; q < K; q++) { m = max(m, trans[j * K + q] + emit[(b * T + t) * K + q] + beta[q]); }
              var sum = 0.0;
              for (var q = 0; q < K; q++) { sum = sum + exp(trans[j * K + q] + emit[(b * T + t) * K + q] + beta[q] - m); }
              betaPrev = m + log(sum);
            }
          }
          if (real && t > 0) {
            for (var u = 0; u < ${PPT}; u++) {
              let pair = i32(localId.x) + u * ${WG};
              if (pair < K * K) {
                let i = pair / K;
                let to = pair % K;
                pairSum[u] = pairSum[u]
                  + prob(result[tokens + (t - 1) * K + i] + trans[pair] + emit[(b * T + t) * K + to] + beta[to] - lz);
              }
            }
          }
          storageBarrier();
          workgroupBarrier();
          if (real && j < K) {
            result[tokens + t * K + j] = token;
            if (t == 0) { result[pairs + K * K + j] = token; }
            if (t > 0) { beta[j] = betaPrev; }
          }
          storageBarrier();
          workgroupBarrier();
        }
        for (var u = 0; u < ${PPT}; u++) {
          let pair = i32(localId.x) + u * ${WG};
          if (pair < K * K) { result[pairs + pair] = pairSum[u]; }
        }
  `;
}

/**
 * Viterbi with the backtrace: [B, T + 1], each row's best tags (as floats, 0 on padding) and, at
 * index T, the best path's score (end scores included). Ties go to the first best previous tag,
 * as tf.argMax and array-inference.ts's viterbiArrays. `pointers`: the workgroup array's size,
 * at least (T − 1)·K.
 */
export function viterbiProgram(B: number, T: number, K: number, pointers: number): CrfProgram {
  const WG = workgroup(K);
  const outputShape = [B, T + 1];
  return {
    variableNames: INPUTS,
    outputShape,
    shaderKey: `trimodCrfViterbi_${K}_${WG}_${pointers}`,
    dispatchLayout: { x: [0, 1] },
    dispatch: [B, 1, 1],
    workgroupSize: [WG, 1, 1],
    getUserCode: () => /* wgsl */ `
      const K = ${K};
      var<workgroup> score : array<f32, ${K}>;
      var<workgroup> backPointer : array<i32, ${pointers}>;
      fn main(index : i32) {
        let b = i32(workgroupId.x);
        let T = uniforms.emitShape.y;
        let j = i32(localId.x);
        let len = lens[b];
        if (j < K) { score[j] = startScore[j] + emit[b * T * K + j]; }
        workgroupBarrier();
        for (var t = 1; t < T; t++) {
          let real = t < len && j < K;
          var best = 0.0;
          if (real) {
            best = score[0] + trans[j];
            var arg = 0;
            for (var i = 1; i < K; i++) {
              let c = score[i] + trans[i * K + j];
              if (c > best) { best = c; arg = i; }
            }
            best = best + emit[(b * T + t) * K + j];
            backPointer[(t - 1) * K + j] = arg;
          }
          workgroupBarrier();
          if (real) { score[j] = best; }
          workgroupBarrier();
        }
        if (j == 0) {
          let row = b * (T + 1);
          var tag = 0;
          var top = score[0] + endScore[0];
          for (var i = 1; i < K; i++) {
            let v = score[i] + endScore[i];
            if (v > top) { top = v; tag = i; }
          }
          result[row + T] = top;
          for (var t = len; t < T; t++) { result[row + t] = 0.0; }
          result[row + len - 1] = f32(tag);
          for (var t = len - 1; t > 0; t--) {
            tag = backPointer[(t - 1) * K + tag];
            result[row + t - 1] = f32(tag);
          }
        }
      }
    `,
  };
}
