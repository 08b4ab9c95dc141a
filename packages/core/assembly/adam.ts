/**
 * Adam's update of one chunk of a variable, in place, on f32x4 vectors (AssemblyScript; built by
 * text-encoder's scripts/build-wasm.mjs into src/kernels/adam-wasm-bytes.ts). The arithmetic of
 * src/kernels/adam.ts (and of tfjs's AdamOptimizer), one IEEE float32 operation per tfjs op:
 * wasm SIMD's f32x4 mul / add / div / sqrt round exactly as those ops' float32 outputs do, so
 * the result is the same bit for bit; what is faster is doing four lanes natively at once
 * instead of JavaScript's float64 arithmetic rounded back after every operation.
 *
 * The caller copies a chunk of param, m, v and grad (n floats each, laid out one after another
 * from heapBase()) into this module's memory, calls update, and copies param, m and v back.
 */

/**
 * In place over [p | m | v | g] (each n floats, from `base`):
 *   g = grad·scale; m = m·b1 + g·c1; v = v·b2 + (g·g)·c2; p = ((m/d1) / (sqrt(v/d2) + eps))·negLr + p
 * with c = 1 − b, d = 1 − bᵗ, negLr = −lr, all already float32.
 */
export function update(base: usize, n: i32, b1: f32, b2: f32, c1: f32, c2: f32, d1: f32, d2: f32, eps: f32, negLr: f32, scale: f32): void {
  const stride = <usize>n << 2;
  const pBase = base;
  const mBase = base + stride;
  const vBase = mBase + stride;
  const gBase = vBase + stride;
  const vb1 = f32x4.splat(b1);
  const vb2 = f32x4.splat(b2);
  const vc1 = f32x4.splat(c1);
  const vc2 = f32x4.splat(c2);
  const vd1 = f32x4.splat(d1);
  const vd2 = f32x4.splat(d2);
  const veps = f32x4.splat(eps);
  const vlr = f32x4.splat(negLr);
  const vscale = f32x4.splat(scale);
  const scaled = scale != 1;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    let g = v128.load(gBase + o);
    if (scaled) g = f32x4.mul(g, vscale);
    const m = f32x4.add(f32x4.mul(v128.load(mBase + o), vb1), f32x4.mul(g, vc1));
    const v = f32x4.add(f32x4.mul(v128.load(vBase + o), vb2), f32x4.mul(f32x4.mul(g, g), vc2));
    const step = f32x4.mul(f32x4.div(f32x4.div(m, vd1), f32x4.add(f32x4.sqrt(f32x4.div(v, vd2)), veps)), vlr);
    v128.store(mBase + o, m);
    v128.store(vBase + o, v);
    v128.store(pBase + o, f32x4.add(step, v128.load(pBase + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let g = load<f32>(gBase + o);
    if (scaled) g = g * scale;
    const m = load<f32>(mBase + o) * b1 + g * c1;
    const v = load<f32>(vBase + o) * b2 + g * g * c2;
    store<f32>(mBase + o, m);
    store<f32>(vBase + o, v);
    store<f32>(pBase + o, (m / d1 / (sqrt<f32>(v / d2) + eps)) * negLr + load<f32>(pBase + o));
  }
}

/** Where the caller may start laying out data (past this module's static data). */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}
