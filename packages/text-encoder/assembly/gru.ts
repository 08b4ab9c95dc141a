/**
 * The GRU recurrence's whole time loop in one WebAssembly SIMD call (AssemblyScript; built by
 * scripts/build-wasm.mjs into src/gru/native/gru-wasm-bytes.ts). The same maths as
 * src/gru/gru-recurrence.ts (reset-after form; gates z, r, n):
 *   z, r = sigmoid(xp_z + h·U_z), sigmoid(xp_r + h·U_r);  n = tanh(xp_n + r ⊙ (h·U_n + b_n))
 *   h' = n + z ⊙ (h − n)
 * Why native: in tfjs every step is about ten ops per direction, and at small batches the
 * per-op dispatch, not the arithmetic, is the time. Here a step is one matrix product per
 * direction (h [rows, H] times the three gates' weights side by side) and a loop over the gates.
 *
 * The caller (src/gru/native/) lays everything out in this module's memory and passes byte
 * offsets; all sizes are in floats. D = 2 directions: direction 0 reads a sequence forward,
 * direction 1 backward from its real end. Layouts are the Bi-GRU's own, so no reordering is
 * needed around the kernel: xp [N, L, D, 3, H] (the input projection x·W + b, as one matMul
 * gives it), out [N, L, D, H] (each position's state per direction, 0 on padding),
 * U [3, D, H, H], bn [D, H], and gates [L, 4, D, N, H] (step-major: z, r, n, h·U_n + b_n, what
 * the backward pass reads). Internally each gate is padded to Hp (a multiple of 4) columns so
 * the matrix product runs on whole f32x4 vectors.
 *
 * Sequences: `perm` lists the sequences by length, longest first, so the sequences still
 * running at step t are the first count(t) rows of the internal state: the products skip
 * finished sequences instead of computing padding, which is the mask.
 */

// ---- matrix product ------------------------------------------------------------------------

/**
 * C[M, W] (+)= A[M, K] · B[K, W], row strides lda, ldb, ldc (floats); W a multiple of 4.
 * Blocks of 4 rows × 8 columns keep 8 accumulators in registers.
 */
function gemm(a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, M: i32, K: i32, W: i32, accumulate: bool): void {
  let m = 0;
  for (; m + 4 <= M; m += 4) {
    const a0 = a + (<usize>(m * lda) << 2);
    const a1 = a0 + (<usize>lda << 2);
    const a2 = a1 + (<usize>lda << 2);
    const a3 = a2 + (<usize>lda << 2);
    const c0 = c + (<usize>(m * ldc) << 2);
    const c1 = c0 + (<usize>ldc << 2);
    const c2 = c1 + (<usize>ldc << 2);
    const c3 = c2 + (<usize>ldc << 2);
    let j = 0;
    for (; j + 8 <= W; j += 8) {
      const jo = <usize>j << 2;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      if (accumulate) {
        s00 = v128.load(c0 + jo); s01 = v128.load(c0 + jo, 16);
        s10 = v128.load(c1 + jo); s11 = v128.load(c1 + jo, 16);
        s20 = v128.load(c2 + jo); s21 = v128.load(c2 + jo, 16);
        s30 = v128.load(c3 + jo); s31 = v128.load(c3 + jo, 16);
      }
      let bp = b + jo;
      const bStep = <usize>ldb << 2;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        const ko = <usize>k << 2;
        let x = f32x4.splat(load<f32>(a0 + ko));
        s00 = f32x4.add(s00, f32x4.mul(x, b0)); s01 = f32x4.add(s01, f32x4.mul(x, b1));
        x = f32x4.splat(load<f32>(a1 + ko));
        s10 = f32x4.add(s10, f32x4.mul(x, b0)); s11 = f32x4.add(s11, f32x4.mul(x, b1));
        x = f32x4.splat(load<f32>(a2 + ko));
        s20 = f32x4.add(s20, f32x4.mul(x, b0)); s21 = f32x4.add(s21, f32x4.mul(x, b1));
        x = f32x4.splat(load<f32>(a3 + ko));
        s30 = f32x4.add(s30, f32x4.mul(x, b0)); s31 = f32x4.add(s31, f32x4.mul(x, b1));
        bp += bStep;
      }
      v128.store(c0 + jo, s00); v128.store(c0 + jo, s01, 16);
      v128.store(c1 + jo, s10); v128.store(c1 + jo, s11, 16);
      v128.store(c2 + jo, s20); v128.store(c2 + jo, s21, 16);
      v128.store(c3 + jo, s30); v128.store(c3 + jo, s31, 16);
    }
    for (; j < W; j += 4) {
      const jo = <usize>j << 2;
      let s0 = accumulate ? v128.load(c0 + jo) : f32x4.splat(0);
      let s1 = accumulate ? v128.load(c1 + jo) : f32x4.splat(0);
      let s2 = accumulate ? v128.load(c2 + jo) : f32x4.splat(0);
      let s3 = accumulate ? v128.load(c3 + jo) : f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const bv = v128.load(b + ((<usize>(k * ldb) << 2) + jo));
        const ko = <usize>k << 2;
        s0 = f32x4.add(s0, f32x4.mul(f32x4.splat(load<f32>(a0 + ko)), bv));
        s1 = f32x4.add(s1, f32x4.mul(f32x4.splat(load<f32>(a1 + ko)), bv));
        s2 = f32x4.add(s2, f32x4.mul(f32x4.splat(load<f32>(a2 + ko)), bv));
        s3 = f32x4.add(s3, f32x4.mul(f32x4.splat(load<f32>(a3 + ko)), bv));
      }
      v128.store(c0 + jo, s0); v128.store(c1 + jo, s1); v128.store(c2 + jo, s2); v128.store(c3 + jo, s3);
    }
  }
  for (; m < M; m++) {
    const ar = a + (<usize>(m * lda) << 2);
    const cr = c + (<usize>(m * ldc) << 2);
    let j = 0;
    for (; j + 16 <= W; j += 16) {
      const jo = <usize>j << 2;
      let s0 = accumulate ? v128.load(cr + jo) : f32x4.splat(0);
      let s1 = accumulate ? v128.load(cr + jo, 16) : f32x4.splat(0);
      let s2 = accumulate ? v128.load(cr + jo, 32) : f32x4.splat(0);
      let s3 = accumulate ? v128.load(cr + jo, 48) : f32x4.splat(0);
      let bp = b + jo;
      const bStep = <usize>ldb << 2;
      for (let k = 0; k < K; k++) {
        const x = f32x4.splat(load<f32>(ar + (<usize>k << 2)));
        s0 = f32x4.add(s0, f32x4.mul(x, v128.load(bp)));
        s1 = f32x4.add(s1, f32x4.mul(x, v128.load(bp, 16)));
        s2 = f32x4.add(s2, f32x4.mul(x, v128.load(bp, 32)));
        s3 = f32x4.add(s3, f32x4.mul(x, v128.load(bp, 48)));
        bp += bStep;
      }
      v128.store(cr + jo, s0); v128.store(cr + jo, s1, 16); v128.store(cr + jo, s2, 32); v128.store(cr + jo, s3, 48);
    }
    for (; j < W; j += 4) {
      const jo = <usize>j << 2;
      let s = accumulate ? v128.load(cr + jo) : f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        s = f32x4.add(s, f32x4.mul(f32x4.splat(load<f32>(ar + (<usize>k << 2))), v128.load(b + ((<usize>(k * ldb) << 2) + jo))));
      }
      v128.store(cr + jo, s);
    }
  }
}

// ---- gate functions ------------------------------------------------------------------------

/**
 * exp on four lanes: Cody–Waite range reduction and Cephes' degree-6 polynomial (about 1 ulp);
 * inputs clamped to [−87.3, 88.3] so 2ⁿ stays a normal float (sigmoid and tanh saturate long
 * before either end).
 */
function expv(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.3)), f32x4.splat(88.3));
  const fx = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.4426950409)));
  let r = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(y, f32x4.mul(r, r)), r), f32x4.splat(1.0));
  const pow2 = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(fx), i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2);
}

function sigmoidv(x: v128): v128 {
  return f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), expv(f32x4.neg(x))));
}

function tanhv(x: v128): v128 {
  return f32x4.sub(f32x4.mul(f32x4.splat(2.0), sigmoidv(f32x4.add(x, x))), f32x4.splat(1.0));
}

/** The first `count` (1..3) lanes of v to p (small enough for -O3 to inline). */
function storeLanes(p: usize, v: v128, count: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (count > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

// ---- weights -------------------------------------------------------------------------------

/** U [3, D, H, H] → Up [D][H][3·Hp]: the gates side by side, each padded to Hp columns (pads 0). */
export function packWeights(U: usize, Up: usize, D: i32, H: i32, Hp: i32): void {
  const W = 3 * Hp;
  memory.fill(Up, 0, <usize>(D * H * W) << 2);
  for (let g = 0; g < 3; g++) {
    for (let d = 0; d < D; d++) {
      for (let i = 0; i < H; i++) {
        memory.copy(at(Up, (d * H + i) * W + g * Hp), at(U, ((g * D + d) * H + i) * H), <usize>H << 2);
      }
    }
  }
}

/** U [3, D, H, H] → UpT [D][3·Hp][Hp], Up's transpose (for the backward pass's dh = dgates · Uᵀ; pads 0). */
export function packTransposed(U: usize, UpT: usize, D: i32, H: i32, Hp: i32): void {
  const W = 3 * Hp;
  memory.fill(UpT, 0, <usize>(D * W * Hp) << 2);
  for (let g = 0; g < 3; g++) {
    for (let d = 0; d < D; d++) {
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < H; j++) {
          store<f32>(at(UpT, (d * W + g * Hp + j) * Hp + i), load<f32>(at(U, ((g * D + d) * H + i) * H + j)));
        }
      }
    }
  }
}

/** dUp [D][H][3·Hp] → dU [3, D, H, H]. */
export function unpackWeights(dUp: usize, dU: usize, D: i32, H: i32, Hp: i32): void {
  const W = 3 * Hp;
  for (let g = 0; g < 3; g++) {
    for (let d = 0; d < D; d++) {
      for (let i = 0; i < H; i++) {
        memory.copy(at(dU, ((g * D + d) * H + i) * H), at(dUp, (d * H + i) * W + g * Hp), <usize>H << 2);
      }
    }
  }
}

/** Position-row (of [N, L, D]) that direction d of sequence n (length len) reads at step t < len. */
function rowAt(n: i32, t: i32, d: i32, len: i32, L: i32): i32 {
  return (n * L + (d == 0 ? t : len - 1 - t)) * 2 + d;
}

/** Rows (of perm) still running at step t: lengths sorted longest first. */
function running(perm: usize, lens: usize, N: i32, t: i32, count: i32): i32 {
  while (count > 0 && load<i32>(at(lens, load<i32>(at(perm, count - 1)))) <= t) count--;
  return count;
}

// ---- forward -------------------------------------------------------------------------------

/**
 * All L steps of both directions. Scratch: hA, hB [D][N][Hp] (zeroed here), acc [N][3·Hp].
 * Writes out [N, L, D, H] and, when `save`, gates [L, 4, D, N, H].
 */
export function forward(
  xp: usize, Up: usize, bn: usize, perm: usize, lens: usize, outs: usize, gates: usize,
  hA: usize, hB: usize, acc: usize, L: i32, N: i32, H: i32, Hp: i32, save: bool,
): void {
  const D = 2;
  const W = 3 * Hp;
  memory.fill(hA, 0, <usize>(D * N * Hp) << 2);
  memory.fill(hB, 0, <usize>(D * N * Hp) << 2);
  let prev = hA;
  let next = hB;
  let count = N;
  const DNH = D * N * H;
  for (let t = 0; t < L; t++) {
    count = running(perm, lens, N, t, count);
    for (let d = 0; d < D; d++) {
      const hPrev = at(prev, d * N * Hp);
      const hNext = at(next, d * N * Hp);
      gemm(hPrev, Hp, at(Up, d * H * W), W, acc, W, count, H, W, false);
      for (let m = 0; m < count; m++) {
        const n = load<i32>(at(perm, m));
        const row = rowAt(n, t, d, load<i32>(at(lens, n)), L);
        const xz = at(xp, row * 3 * H);
        const xr = at(xz, H);
        const xn = at(xz, 2 * H);
        const a = at(acc, m * W);
        const hp = at(hPrev, m * Hp);
        const hn_ = at(hNext, m * Hp);
        const out = at(outs, row * H);
        const gz = at(gates, (((t * 4 + 0) * D + d) * N + n) * H);
        const bnr = at(bn, d * H);
        // Four units at a time, the last H mod 4 too (H = 30 and 150 leave two), in one more
        // vector step instead of three scalar exps per unit: its loads read up to three floats
        // past a row of H (into the next row or array of this module's memory, never past its
        // end: scratch follows every input), masked to 0 so the pad lanes of hNext stay 0 (no
        // stray values, no subnormals); only its real lanes are stored to out and gates, whose
        // rows are H long.
        let j = 0;
        for (; j + 4 <= H; j += 4) {
          const o = <usize>j << 2;
          const z = sigmoidv(f32x4.add(v128.load(xz + o), v128.load(a + o)));
          const r = sigmoidv(f32x4.add(v128.load(xr + o), v128.load(at(a, Hp) + o)));
          const hu = f32x4.add(v128.load(at(a, 2 * Hp) + o), v128.load(bnr + o));
          const nv = tanhv(f32x4.add(v128.load(xn + o), f32x4.mul(r, hu)));
          const h = f32x4.add(nv, f32x4.mul(z, f32x4.sub(v128.load(hp + o), nv)));
          v128.store(hn_ + o, h);
          v128.store(out + o, h);
          if (save) {
            v128.store(gz + o, z);
            v128.store(at(gz, DNH) + o, r);
            v128.store(at(gz, 2 * DNH) + o, nv);
            v128.store(at(gz, 3 * DNH) + o, hu);
          }
        }
        if (j < H) {
          const o = <usize>j << 2;
          const lanes = H - j;
          const keep = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(lanes));
          const z = sigmoidv(f32x4.add(v128.and(v128.load(xz + o), keep), v128.load(a + o)));
          const r = sigmoidv(f32x4.add(v128.and(v128.load(xr + o), keep), v128.load(at(a, Hp) + o)));
          const hu = f32x4.add(v128.load(at(a, 2 * Hp) + o), v128.and(v128.load(bnr + o), keep));
          const nv = tanhv(f32x4.add(v128.and(v128.load(xn + o), keep), f32x4.mul(r, hu)));
          // Pad lanes: z = r = 1/2, hu = 0, n = 0, and h = n + z·(0 − n) = 0.
          const h = f32x4.add(nv, f32x4.mul(z, f32x4.sub(v128.load(hp + o), nv)));
          v128.store(hn_ + o, h);
          storeLanes(out + o, h, lanes);
          if (save) {
            storeLanes(gz + o, z, lanes);
            storeLanes(at(gz, DNH) + o, r, lanes);
            storeLanes(at(gz, 2 * DNH) + o, nv, lanes);
            storeLanes(at(gz, 3 * DNH) + o, hu, lanes);
          }
        }
      }
      for (let m = count; m < N; m++) {
        const n = load<i32>(at(perm, m));
        // Padding: both directions leave position t (≥ the length) at 0.
        memory.fill(at(outs, ((n * L + t) * 2 + d) * H), 0, <usize>H << 2);
        if (save) {
          for (let k = 0; k < 4; k++) memory.fill(at(gates, (((t * 4 + k) * D + d) * N + n) * H), 0, <usize>H << 2);
        }
      }
    }
    const swap = prev;
    prev = next;
    next = swap;
  }
}

// ---- backward ------------------------------------------------------------------------------

/**
 * Backpropagation through time from dy = ∂loss/∂out [N, L, D, H], with the forward's out and
 * gates. Writes dxp [N, L, D, 3, H] (0 on padding), dUp [D][H][3·Hp] and dbn [D, H].
 * Scratch: cA, cB [D][N][Hp] (the gradient carried to the previous step), P [N][3·Hp] (the
 * pre-activation gradients of the three gates' recurrent products), hT [Hp][N].
 */
export function backward(
  dy: usize, UpT: usize, perm: usize, lens: usize, outs: usize, gates: usize,
  dxp: usize, dUp: usize, dbn: usize, cA: usize, cB: usize, P: usize, hT: usize,
  L: i32, N: i32, H: i32, Hp: i32,
): void {
  const D = 2;
  const W = 3 * Hp;
  memory.fill(cA, 0, <usize>(D * N * Hp) << 2);
  memory.fill(cB, 0, <usize>(D * N * Hp) << 2);
  memory.fill(P, 0, <usize>(N * W) << 2);
  memory.fill(dUp, 0, <usize>(D * H * W) << 2);
  memory.fill(dbn, 0, <usize>(D * H) << 2);
  let carry = cA;
  let next = cB;
  const DNH = D * N * H;
  for (let t = L - 1; t >= 0; t--) {
    const count = running(perm, lens, N, t, N);
    for (let d = 0; d < D; d++) {
      const cIn = at(carry, d * N * Hp);
      const cOut = at(next, d * N * Hp);
      for (let m = 0; m < count; m++) {
        const n = load<i32>(at(perm, m));
        const len = load<i32>(at(lens, n));
        const row = rowAt(n, t, d, len, L);
        const g0 = at(gates, (((t * 4) * D + d) * N + n) * H);
        const dyr = at(dy, row * H);
        const hp = t > 0 ? at(outs, rowAt(n, t - 1, d, len, L) * H) : 0;
        const dz_ = at(dxp, row * 3 * H);
        const pr = at(P, m * W);
        const ci = at(cIn, m * Hp);
        const co = at(cOut, m * Hp);
        const dbr = at(dbn, d * H);
        let j = 0;
        for (; j + 4 <= H; j += 4) {
          const o = <usize>j << 2;
          const g = f32x4.add(v128.load(dyr + o), v128.load(ci + o));
          const z = v128.load(g0 + o);
          const r = v128.load(at(g0, DNH) + o);
          const nv = v128.load(at(g0, 2 * DNH) + o);
          const hu = v128.load(at(g0, 3 * DNH) + o);
          const hPrev = t > 0 ? v128.load(hp + o) : f32x4.splat(0);
          const one = f32x4.splat(1.0);
          const gz = f32x4.mul(g, z);
          const dn = f32x4.sub(g, gz);
          const dzPre = f32x4.mul(f32x4.mul(g, f32x4.sub(hPrev, nv)), f32x4.mul(z, f32x4.sub(one, z)));
          const dan = f32x4.mul(dn, f32x4.sub(one, f32x4.mul(nv, nv)));
          const drPre = f32x4.mul(f32x4.mul(dan, hu), f32x4.mul(r, f32x4.sub(one, r)));
          const dhn = f32x4.mul(dan, r);
          v128.store(dz_ + o, dzPre);
          v128.store(at(dz_, H) + o, drPre);
          v128.store(at(dz_, 2 * H) + o, dan);
          v128.store(pr + o, dzPre);
          v128.store(at(pr, Hp) + o, drPre);
          v128.store(at(pr, 2 * Hp) + o, dhn);
          v128.store(dbr + o, f32x4.add(v128.load(dbr + o), dhn));
          v128.store(co + o, gz);
        }
        for (; j < H; j++) {
          const g = load<f32>(at(dyr, j)) + load<f32>(at(ci, j));
          const z = load<f32>(at(g0, j));
          const r = load<f32>(at(g0, DNH + j));
          const nv = load<f32>(at(g0, 2 * DNH + j));
          const hu = load<f32>(at(g0, 3 * DNH + j));
          const hPrev: f32 = t > 0 ? load<f32>(at(hp, j)) : 0;
          const gz = g * z;
          const dn = g - gz;
          const dzPre = g * (hPrev - nv) * (z * (1.0 - z));
          const dan = dn * (1.0 - nv * nv);
          const drPre = dan * hu * (r * (1.0 - r));
          const dhn = dan * r;
          store<f32>(at(dz_, j), dzPre);
          store<f32>(at(dz_, H + j), drPre);
          store<f32>(at(dz_, 2 * H + j), dan);
          store<f32>(at(pr, j), dzPre);
          store<f32>(at(pr, Hp + j), drPre);
          store<f32>(at(pr, 2 * Hp + j), dhn);
          store<f32>(at(dbr, j), load<f32>(at(dbr, j)) + dhn);
          store<f32>(at(co, j), gz);
        }
      }
      for (let m = count; m < N; m++) {
        const n = load<i32>(at(perm, m));
        memory.fill(at(dxp, ((n * L + t) * 2 + d) * 3 * H), 0, <usize>(3 * H) << 2);
      }
      // dh_{t−1} = g ⊙ z + P · Uᵀ (the three gates at once).
      gemm(P, W, at(UpT, d * W * Hp), Hp, cOut, Hp, count, W, Hp, true);
      // dU += h_{t−1}ᵀ · P (h_0 = 0 adds nothing).
      if (t > 0 && count > 0) {
        for (let m = 0; m < count; m++) {
          const n = load<i32>(at(perm, m));
          const src = at(outs, rowAt(n, t - 1, d, load<i32>(at(lens, n)), L) * H);
          for (let i = 0; i < H; i++) store<f32>(at(hT, i * N + m), load<f32>(at(src, i)));
        }
        gemm(hT, N, P, W, at(dUp, d * H * W), W, H, count, W, true);
      }
    }
    const swap = carry;
    carry = next;
    next = swap;
  }
}

/** Where the caller may start laying out data (past this module's static data). */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}
