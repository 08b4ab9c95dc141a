/**
 * WGSL programs for the Bi-GRU recurrence on the webgpu backend (run by gru-webgpu-kernels.ts
 * through tfjs-backend-webgpu's runWebGPUProgram; the same maths and layouts as the native
 * WebAssembly kernel, assembly/gru.ts):
 *   z, r = sigmoid(xp_z + h·U_z), sigmoid(xp_r + h·U_r);  n = tanh(xp_n + r ⊙ (h·U_n + b_n))
 *   h' = n + z ⊙ (h − n)
 * xp [N, L, 2, 3, H], out [N, L, 2, H] (0 on padding), U [3, 2, H, H], bn [2, H],
 * gates [L, 4, 2, N, H] (z, r, n, h·U_n + b_n per step), lens [N] int32. Direction 1 reads
 * each sequence backward from its real end.
 *
 * The time loop is one dispatch: one workgroup per (sequence, direction), one thread per unit
 * (UPT units per thread when H exceeds the workgroup), the hidden state in workgroup memory,
 * one barrier per step. A workgroup runs L steps whatever its length (the loop bound must be
 * uniform for the barrier); steps past the length only write the padding's zeros.
 *
 * Shapes come from tfjs's generated uniforms (xpShape, dyShape, ...); H, the workgroup size and
 * whether gates are saved are compiled in (part of shaderKey), so a new batch shape reuses the
 * pipeline.
 */

/** The fields of tfjs-backend-webgpu's WebGPUProgram that these programs set (structurally typed, so the backend package is not imported). */
export interface GruProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  getUserCode: () => string;
}

/** Threads per workgroup for the time loops: H rounded up to a multiple of 32, at most 256. */
export function loopWorkgroup(H: number): { WG: number; UPT: number } {
  const WG = Math.min(256, Math.max(32, Math.ceil(H / 32) * 32));
  return { WG, UPT: Math.ceil(H / WG) };
}

/** Largest H the time-loop programs take: the backward keeps 3·H floats in workgroup memory (WebGPU guarantees 16 KB). */
export const MAX_WEBGPU_HIDDEN = 1024;

const flat = (shape: number[]) => ({ x: shape.map((_, i) => i) });

const GATE_FUNCTIONS = /* wgsl */ `
  fn sigm(x : f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }
  // 2·sigmoid(2x) − 1: finite for every x (exp overflowing to +inf gives −1, not NaN).
  fn tanh2(x : f32) -> f32 { return 2.0 / (1.0 + exp(-2.0 * x)) - 1.0; }
`;

/**
 * Forward time loop. Inputs xp, wU, bn, lens. Without `save` the result is out [N, L, 2H];
 * with it, one flat buffer: gates (4·S floats, S = N·L·2·H) then out (S).
 */
export function forwardProgram(N: number, L: number, H: number, save: boolean): GruProgram {
  const { WG, UPT } = loopWorkgroup(H);
  const S = N * L * 2 * H;
  const outputShape = save ? [5 * S] : [N, L, 2 * H];
  return {
    variableNames: ['xp', 'wU', 'bn', 'lens'],
    outputShape,
    shaderKey: `trimodGruForward_${H}_${WG}_${save ? 1 : 0}`,
    dispatchLayout: flat(outputShape),
    dispatch: [N, 2, 1],
    workgroupSize: [WG, 1, 1],
    getUserCode: () => /* wgsl */ `
      const H = ${H};
      const WG = ${WG};
      const UPT = ${UPT};
      var<workgroup> hs : array<f32, ${2 * H}>;
      ${GATE_FUNCTIONS}
      fn main(index : i32) {
        let n = i32(workgroupId.x);
        let d = i32(workgroupId.y);
        let N = uniforms.xpShape.x;
        let L = uniforms.xpShape.y;
        let lid = i32(localId.x);
        let len = lens[n];
        let DNH = 2 * N * H;
        let outBase = ${save ? '4 * N * L * 2 * H' : '0'};
        for (var u = 0; u < UPT; u++) {
          let j = lid + u * WG;
          if (j < H) { hs[j] = 0.0; }
        }
        workgroupBarrier();
        var cur = 0;
        for (var t = 0; t < L; t++) {
          let real = t < len;
          // Step t reads position t (direction 0) or len − 1 − t (direction 1); a padding step writes position t's zeros.
          let p = select(t, select(len - 1 - t, t, d == 0), real);
          let row = (n * L + p) * 2 + d;
          let g0 = ((t * 4 * 2 + d) * N + n) * H;
          for (var u = 0; u < UPT; u++) {
            let j = lid + u * WG;
            if (j < H) {
              if (real) {
                var az = 0.0;
                var ar = 0.0;
                var an = 0.0;
                for (var k = 0; k < H; k++) {
                  let hk = hs[cur * H + k];
                  az = az + hk * wU[(d * H + k) * H + j];
                  ar = ar + hk * wU[((2 + d) * H + k) * H + j];
                  an = an + hk * wU[((4 + d) * H + k) * H + j];
                }
                let x = row * 3 * H;
                let z = sigm(xp[x + j] + az);
                let r = sigm(xp[x + H + j] + ar);
                let hu = an + bn[d * H + j];
                let nv = tanh2(xp[x + 2 * H + j] + r * hu);
                let h = nv + z * (hs[cur * H + j] - nv);
                hs[(1 - cur) * H + j] = h;
                result[outBase + row * H + j] = h;
                ${save ? 'result[g0 + j] = z; result[g0 + DNH + j] = r; result[g0 + 2 * DNH + j] = nv; result[g0 + 3 * DNH + j] = hu;' : ''}
              } else {
                result[outBase + row * H + j] = 0.0;
                ${save ? 'result[g0 + j] = 0.0; result[g0 + DNH + j] = 0.0; result[g0 + 2 * DNH + j] = 0.0; result[g0 + 3 * DNH + j] = 0.0;' : ''}
              }
            }
          }
          workgroupBarrier();
          cur = 1 - cur;
        }
      }
    `,
  };
}

/**
 * Backward time loop (backpropagation through time). Inputs dy [N, L, 2H], wUT (U with its last
 * two axes swapped, [3, 2, H_out, H_in], so that the threads of a workgroup read neighbouring
 * floats), outs, gates, lens → dxp [N, L, 2, 3, H]: the pre-activation gradients of z, r and n
 * per step (0 on padding). The gradient carried to the previous step, dh = g ⊙ z + Σ_gates P·Uᵀ,
 * needs every unit's P, so P [3, H] lives in workgroup memory; the carry stays with its thread.
 */
export function backwardProgram(N: number, L: number, H: number): GruProgram {
  const { WG, UPT } = loopWorkgroup(H);
  const outputShape = [N, L, 6 * H];
  return {
    variableNames: ['dy', 'wUT', 'outs', 'gates', 'lens'],
    outputShape,
    shaderKey: `trimodGruBackward_${H}_${WG}`,
    dispatchLayout: flat(outputShape),
    dispatch: [N, 2, 1],
    workgroupSize: [WG, 1, 1],
    getUserCode: () => /* wgsl */ `
      const H = ${H};
      const WG = ${WG};
      const UPT = ${UPT};
      var<workgroup> P : array<f32, ${3 * H}>;
      fn main(index : i32) {
        let n = i32(workgroupId.x);
        let d = i32(workgroupId.y);
        let N = uniforms.dyShape.x;
        let L = uniforms.dyShape.y;
        let lid = i32(localId.x);
        let len = lens[n];
        let DNH = 2 * N * H;
        var carry : array<f32, UPT>;
        var gz : array<f32, UPT>;
        for (var u = 0; u < UPT; u++) { carry[u] = 0.0; gz[u] = 0.0; }
        for (var s = 0; s < L; s++) {
          let t = L - 1 - s;
          let real = t < len;
          let p = select(t, select(len - 1 - t, t, d == 0), real);
          let row = (n * L + p) * 2 + d;
          let g0 = ((t * 4 * 2 + d) * N + n) * H;
          // The state before step t (0 before the first step).
          let prevRow = (n * L + select(len - t, t - 1, d == 0)) * 2 + d;
          for (var u = 0; u < UPT; u++) {
            let j = lid + u * WG;
            if (j < H) {
              if (real) {
                let g = dy[row * H + j] + carry[u];
                let z = gates[g0 + j];
                let r = gates[g0 + DNH + j];
                let nv = gates[g0 + 2 * DNH + j];
                let hu = gates[g0 + 3 * DNH + j];
                var hPrev = 0.0;
                if (t > 0) { hPrev = outs[prevRow * H + j]; }
                gz[u] = g * z;
                let dzPre = g * (hPrev - nv) * (z * (1.0 - z));
                let dan = (g - g * z) * (1.0 - nv * nv);
                let drPre = dan * hu * (r * (1.0 - r));
                result[row * 3 * H + j] = dzPre;
                result[row * 3 * H + H + j] = drPre;
                result[row * 3 * H + 2 * H + j] = dan;
                P[j] = dzPre;
                P[H + j] = drPre;
                P[2 * H + j] = dan * r;
              } else {
                result[row * 3 * H + j] = 0.0;
                result[row * 3 * H + H + j] = 0.0;
                result[row * 3 * H + 2 * H + j] = 0.0;
              }
            }
          }
          workgroupBarrier();
          if (real) {
            for (var u = 0; u < UPT; u++) {
              let k = lid + u * WG;
              if (k < H) {
                var acc = gz[u];
                for (var j = 0; j < H; j++) {
                  acc = acc + P[j] * wUT[(d * H + j) * H + k] + P[H + j] * wUT[((2 + d) * H + j) * H + k]
                    + P[2 * H + j] * wUT[((4 + d) * H + j) * H + k];
                }
                carry[u] = acc;
              }
            }
          }
          workgroupBarrier();
        }
      }
    `,
  };
}

/**
 * Position p's recurrent-product gradient of gate g (z, r: the pre-activation gradient; n:
 * dn_pre ⊙ r, the gradient of h·U_n + b_n) and the state it multiplied, shared by the dU and
 * dbn programs.
 */
const PRODUCT_GRADIENT = /* wgsl */ `
  fn productGradient(n : i32, p : i32, d : i32, g : i32, j : i32, len : i32, N : i32, L : i32) -> f32 {
    let v = dxp[((n * L + p) * 2 + d) * 3 * H + g * H + j];
    if (g < 2) { return v; }
    let t = select(len - 1 - p, p, d == 0);
    return v * gates[((t * 4 + 1) * 2 + d) * N * H + n * H + j];
  }
`;

/** dU [3, 2, H, H] = Σ over real positions of h_prev ⊗ productGradient (h_prev = 0 before the first step). Inputs dxp, outs, gates, lens. */
export function weightGradientProgram(N: number, L: number, H: number): GruProgram {
  const outputShape = [3, 2, H, H];
  const size = 6 * H * H;
  return {
    variableNames: ['dxp', 'outs', 'gates', 'lens'],
    outputShape,
    shaderKey: `trimodGruWeightGradient_${H}`,
    dispatchLayout: flat(outputShape),
    dispatch: [Math.ceil(size / 64), 1, 1],
    workgroupSize: [64, 1, 1],
    getUserCode: () => /* wgsl */ `
      const H = ${H};
      ${PRODUCT_GRADIENT}
      fn main(index : i32) {
        if (index >= ${size}) { return; }
        let j = index % H;
        let i = (index / H) % H;
        let d = (index / (H * H)) % 2;
        let g = index / (2 * H * H);
        let N = uniforms.dxpShape.x;
        let L = uniforms.dxpShape.y;
        var acc = 0.0;
        for (var n = 0; n < N; n++) {
          let len = lens[n];
          for (var p = 0; p < len; p++) {
            let q = select(p + 1, p - 1, d == 0);
            if (q >= 0 && q < len) {
              acc = acc + outs[((n * L + q) * 2 + d) * H + i] * productGradient(n, p, d, g, j, len, N, L);
            }
          }
        }
        result[index] = acc;
      }
    `,
  };
}

/** dbn [2, 1, H] = Σ over real positions of the n gate's product gradient. Inputs dxp, gates, lens. */
export function biasGradientProgram(N: number, L: number, H: number): GruProgram {
  const outputShape = [2, 1, H];
  return {
    variableNames: ['dxp', 'gates', 'lens'],
    outputShape,
    shaderKey: `trimodGruBiasGradient_${H}`,
    dispatchLayout: flat(outputShape),
    dispatch: [Math.ceil((2 * H) / 64), 1, 1],
    workgroupSize: [64, 1, 1],
    getUserCode: () => /* wgsl */ `
      const H = ${H};
      ${PRODUCT_GRADIENT}
      fn main(index : i32) {
        if (index >= ${2 * H}) { return; }
        let j = index % H;
        let d = index / H;
        let N = uniforms.dxpShape.x;
        let L = uniforms.dxpShape.y;
        var acc = 0.0;
        for (var n = 0; n < N; n++) {
          let len = lens[n];
          for (var p = 0; p < len; p++) { acc = acc + productGradient(n, p, d, 2, j, len, N, L); }
        }
        result[index] = acc;
      }
    `,
  };
}
