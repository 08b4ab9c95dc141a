/**
 * Adam's update in one pass over a variable (issue 22): the arithmetic of tfjs's AdamOptimizer,
 * operation for operation in float32, so a fused step gives the numbers tfjs's ten-odd separate
 * full-size ops give (each of which allocates a new tensor the size of the variable: for the
 * 5.3 M-value word embeddings that was a quarter of a training step).
 */

/** The update's scalars, as tfjs's AdamOptimizer holds them at one step. */
export interface AdamConstants {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 − beta1^t and 1 − beta2^t, the bias corrections (tfjs: `sub(1, accBeta)`, float32). */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  /** The factor global-norm clipping puts on the gradient (1: none). */
  gradScale: number;
}

const f = Math.fround;

/**
 * Writes the updated param, m and v (outputs may be the inputs' own arrays: every element is
 * read before it is written). Each line is one tfjs op, rounded to float32 as that op's output
 * is, so the result is the same bit for bit as tfjs's, with its order of operations:
 *   g = grad·scale (clipping); m' = m·β1 + g·(1−β1); v' = v·β2 + g²·(1−β2);
 *   p' = p + (−lr)·( (m'/(1−β1ᵗ)) / (sqrt(v'/(1−β2ᵗ)) + ε) )
 */
export function adamUpdate(
  param: Float32Array,
  m: Float32Array,
  v: Float32Array,
  grad: Float32Array,
  c: AdamConstants,
  outParam: Float32Array,
  outM: Float32Array,
  outV: Float32Array,
): void {
  // tfjs passes these as float32 scalar tensors: round them as it does.
  const b1 = f(c.beta1);
  const b2 = f(c.beta2);
  const oneMinusB1 = f(1 - c.beta1);
  const oneMinusB2 = f(1 - c.beta2);
  const d1 = f(c.oneMinusAccBeta1);
  const d2 = f(c.oneMinusAccBeta2);
  const eps = f(c.epsilon);
  const negLr = f(-c.learningRate);
  const scale = f(c.gradScale);
  const n = param.length;
  // Two loops so the common case (no clipping) skips a multiply per element.
  if (scale === 1) {
    for (let i = 0; i < n; i++) {
      const g = grad[i];
      const mi = f(f(m[i] * b1) + f(g * oneMinusB1));
      const vi = f(f(v[i] * b2) + f(f(g * g) * oneMinusB2));
      outM[i] = mi;
      outV[i] = vi;
      outParam[i] = f(f(f(f(mi / d1) / f(f(Math.sqrt(f(vi / d2))) + eps)) * negLr) + param[i]);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const g = f(grad[i] * scale);
      const mi = f(f(m[i] * b1) + f(g * oneMinusB1));
      const vi = f(f(v[i] * b2) + f(f(g * g) * oneMinusB2));
      outM[i] = mi;
      outV[i] = vi;
      outParam[i] = f(f(f(f(mi / d1) / f(f(Math.sqrt(f(vi / d2))) + eps)) * negLr) + param[i]);
    }
  }
}

/**
 * Σ x² over every array, accumulated in float64 (one pass, no squared copy). The global norm
 * of clipping; tfjs's `sum(square(g))` per variable then `addN` sums in float32 in its own
 * order, so the two agree to float32 rounding, not bit for bit.
 */
export function sumOfSquares(arrays: readonly Float32Array[]): number {
  let total = 0;
  for (const a of arrays) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * a[i];
    total += s;
  }
  return total;
}
