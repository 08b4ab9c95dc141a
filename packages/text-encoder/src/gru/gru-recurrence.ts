import * as tf from '@tensorflow/tfjs-core';
import type { CustomGradArgs } from '../ops/gather-rows';

/**
 * The GRU recurrence (reset-after form, as in cuDNN and PyTorch; gates z, r, n):
 *   z, r = sigmoid(xp_z + h·U_z), sigmoid(xp_r + h·U_r)      (one add, one sigmoid for both)
 *   n    = tanh(xp_n + r ⊙ (h·U_n + b_n))
 *   h'   = n + z ⊙ (h − n)                                     (= (1 − z) ⊙ n + z ⊙ h)
 * The input projections xp = x·W + b of every step come precomputed (one matMul before the
 * loop). Several directions D run in the same loop and share every elementwise op, so a
 * Bi-GRU costs one loop, not two. (Recurrent biases of z and r would
 * only duplicate the input biases, so only the n gate has one.)
 *
 * Layout is gate-major — xp [L, 3, D, N, H], U [3, D, H, H] — because every per-gate piece is
 * then a contiguous block: tfjs-cpu slices a tensor along its last axis one element at a time
 * (≈30× slower than an add), which a [.., 3H] layout would pay for on every step.
 *
 * Shapes: xp [L, 3, D, N, H], U [3, D, H, H], bn [D, 1, H] → states [L, D, N, H] (h after each
 * step; the initial state is zero).
 */
export type Recurrence = (xp: tf.Tensor, U: tf.Tensor4D, bn: tf.Tensor3D) => tf.Tensor4D;

interface StepOut {
  h: tf.Tensor3D;
  /** sigmoid of both gates [2, D, N, H], and its halves. */
  zr: tf.Tensor4D;
  z: tf.Tensor3D;
  r: tf.Tensor3D;
  n: tf.Tensor3D;
  /** h·U_n + b_n */
  hn: tf.Tensor3D;
}

/**
 * From how many steps the fused recurrence gives each step its own scope (forward and backward).
 * The scopes free each step's temporaries at once, which bounds training memory on long
 * sentences; on short sequences they only cost bookkeeping (measured on wasm, forward +
 * backward: 300 sequences × 12 steps × 30 units, the character Bi-GRU's shape, 14 % slower with
 * scopes; 32 × 25–48 × 150 units within ±10 % noise either way). The character Bi-GRU reads at
 * most 20 steps by default, so it keeps the unscoped loop.
 */
const SCOPED_FROM_STEPS = 24;

/** What one step of the backward pass hands on: its dxp slice, its gate gradients per direction, dh_{t−1}. */
interface BackStep {
  dxpt: tf.Tensor;
  perGate: tf.Tensor2D[][];
  carry: tf.Tensor3D;
}

export function dims(xp: tf.Tensor, U: tf.Tensor4D): { L: number; D: number; N: number; H: number } {
  const [L, G, D, N, H] = xp.shape;
  if (xp.rank !== 5 || G !== 3 || U.shape[0] !== 3 || U.shape[1] !== D || U.shape[2] !== H || U.shape[3] !== H) {
    throw new Error(`gru recurrence: xp [${xp.shape}] and U [${U.shape}] do not describe a GRU ([L, 3, D, N, H] and [3, D, H, H])`);
  }
  return { L, D, N, H };
}

/**
 * [D, N, H] copies of the n gate's recurrent bias, made once per call (a matMul by ones
 * broadcasts without tfjs-cpu's element-by-element broadcasting path).
 */
export function tileBias(bn: tf.Tensor3D, N: number): tf.Tensor3D {
  return tf.matMul(tf.ones([bn.shape[0], N, 1]), bn);
}

/**
 * tf.unstack along axis 0, by halving first: the wasm backend copies a tensor's whole buffer
 * out of its heap for every slice it takes, so unstacking L steps directly copies the [L, …]
 * tensor L times; halving copies it about 2·log2(L) times. `freeCopies` disposes the
 * intermediate halves (only where no gradient tape records them, e.g. inside tf.customGrad).
 */
export function unstackSteps(x: tf.Tensor, freeCopies = false): tf.Tensor[] {
  const L = x.shape[0];
  if (L <= 4) return tf.unstack(x);
  const half = Math.floor(L / 2);
  const [a, b] = tf.split(x, [half, L - half]);
  const steps = [...unstackSteps(a, freeCopies), ...unstackSteps(b, freeCopies)];
  // The halves are copies that only the steps came from; where no tape records them, free them
  // now rather than keep about log2(L) copies of x until the caller's scope ends.
  if (freeCopies) tf.dispose([a, b]);
  return steps;
}

/** U [3, D, H, H] as blocks [gate][direction] of [H, H] (unstacked once per call, not per step). */
export function blocksOf(U: tf.Tensor4D): tf.Tensor2D[][] {
  return (tf.unstack(U) as tf.Tensor3D[]).map((perGate) => tf.unstack(perGate) as tf.Tensor2D[]);
}

/**
 * h·U for all three gates and both directions: [D, N, H] → zr part [2, D, N, H] and n part
 * [D, N, H]. It is written as 2-D matMuls, one per gate and direction: the wasm backend runs
 * 2-D matMuls through XNNPACK but batched ones through a plain loop (≈20× slower at these
 * sizes), and tfjs-cpu runs both at the same speed.
 */
function recurrentProjection(h: tf.Tensor3D, Ub: tf.Tensor2D[][]): { hzr: tf.Tensor4D; hn: tf.Tensor3D } {
  const [D, N, H] = h.shape;
  const hs = tf.unstack(h) as tf.Tensor2D[];
  const hzr = tf.reshape(tf.stack([0, 1].flatMap((g) => hs.map((hd, d) => tf.matMul(hd, Ub[g][d])))), [2, D, N, H]) as tf.Tensor4D;
  const hn = tf.stack(hs.map((hd, d) => tf.matMul(hd, Ub[2][d]))) as tf.Tensor3D;
  return { hzr, hn };
}

/**
 * One step from the step's input projections: xzr [2, D, N, H] (gates z, r) and xn [D, N, H]
 * (gate n), and the previous state h [D, N, H].
 */
export function gruStep(xzr: tf.Tensor, xn: tf.Tensor, h: tf.Tensor3D, Ub: tf.Tensor2D[][], bnTiled: tf.Tensor3D): StepOut {
  const { hzr, hn: hnRaw } = recurrentProjection(h, Ub);
  const zr = tf.sigmoid(tf.add(xzr, hzr)) as tf.Tensor4D;
  const [z, r] = tf.unstack(zr) as tf.Tensor3D[];
  const hn = tf.add(hnRaw, bnTiled) as tf.Tensor3D;
  const n = tf.tanh(tf.add(xn, tf.mul(r, hn))) as tf.Tensor3D;
  const hNext = tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor3D;
  return { h: hNext, zr, z, r, n, hn };
}

/** One step from the step's slice of xp, xpt [3, D, N, H]. */
function step(xpt: tf.Tensor4D, h: tf.Tensor3D, Ub: tf.Tensor2D[][], bnTiled: tf.Tensor3D, D: number, N: number, H: number): StepOut {
  return gruStep(tf.slice(xpt, [0], [2]), tf.reshape(tf.slice(xpt, [2], [1]), [D, N, H]), h, Ub, bnTiled);
}

/** Recurrence differentiated by tfjs's tape, step by step. */
export const autodiffRecurrence: Recurrence = (xp, U, bn) =>
  tf.tidy(() => {
    const { D, N, H } = dims(xp, U);
    const bnTiled = tileBias(bn, N);
    const Ub = blocksOf(U);
    let h = tf.zeros([D, N, H]) as tf.Tensor3D;
    const states: tf.Tensor3D[] = [];
    for (const xpt of unstackSteps(xp) as tf.Tensor4D[]) {
      h = step(xpt, h, Ub, bnTiled, D, N, H).h;
      states.push(h);
    }
    return tf.stack(states) as tf.Tensor4D;
  });

/**
 * Recurrence with a hand-written backward pass (tf.customGrad). It pays because the weight
 * gradients of all steps come out of one matMul per gate and direction after the loop
 * (Σ_t h_{t−1}ᵀ·dhp_t as [H, L·N]·[L·N, H]) instead of L matMuls and L accumulating adds,
 * the gate gradients are assembled by leading-axis concats, and the tape records one node
 * instead of about twenty per step.
 */
export const fusedRecurrence: Recurrence = (xp, U, bn) => {
  const { L, D, N, H } = dims(xp, U);
  const op = tf.customGrad((...args: CustomGradArgs) => {
    const [xpIn, UIn, bnIn, save] = args as [tf.Tensor, tf.Tensor4D, tf.Tensor3D, tf.GradSaveFunc];
    const bnTiled = tileBias(bnIn, N);
    const Ub = blocksOf(UIn);
    let h = tf.zeros([D, N, H]) as tf.Tensor3D;
    const h0 = h;
    const outs: StepOut[] = [];
    const scoped = L >= SCOPED_FROM_STEPS;
    for (const xpt of unstackSteps(xpIn, scoped) as tf.Tensor4D[]) {
      // A scope per step frees what the backward pass does not read (h·U, sums, the step's
      // slice of xp) at once, instead of holding twice as much again until the loop ends.
      const prev = h;
      const run = () => step(xpt, prev, Ub, bnTiled, D, N, H);
      const o = scoped ? (tf.tidy(() => run() as unknown as tf.NamedTensorMap) as unknown as StepOut) : run();
      if (scoped) xpt.dispose();
      outs.push(o);
      h = o.h;
    }
    // Saved: U, h0, then per step h, zr, z, r, n, hn.
    const perStep = 6;
    save([UIn, h0, ...outs.flatMap((o) => [o.h, o.zr, o.z, o.r, o.n, o.hn])]);
    return {
      value: tf.stack(outs.map((o) => o.h)) as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          // Uᵀ blocks once, so every per-step matMul is a plain one (wasm's B-transposed matMul is ≈3× slower).
          const UbT = blocksOf(saved[0] as tf.Tensor4D).map((perGate) => perGate.map((m) => tf.transpose(m)));
          const at = <T extends tf.Tensor>(t: number, k: number) => saved[2 + t * perStep + k] as T;
          const hPrev = (t: number) => (t === 0 ? (saved[1] as tf.Tensor3D) : at<tf.Tensor3D>(t - 1, 0));
          const dys = unstackSteps(dy, scoped) as tf.Tensor3D[];
          const dxp: tf.Tensor[] = new Array(L);
          // dhp pieces [gate][direction][step], each [N, H], for the weight gradients after the loop.
          const pieces = [0, 1, 2].map(() => Array.from({ length: D }, () => new Array<tf.Tensor2D>(L)));
          let carry: tf.Tensor3D | null = null;
          for (let t = L - 1; t >= 0; t--) {
            // A scope per step keeps only what later steps and the weight gradients read.
            const before: tf.Tensor3D | null = carry;
            const run = (): tf.TensorContainer => {
              const g: tf.Tensor3D = before ? (tf.add(dys[t], before) as tf.Tensor3D) : dys[t];
              const zr = at<tf.Tensor4D>(t, 1);
              const z = at<tf.Tensor3D>(t, 2);
              const r = at<tf.Tensor3D>(t, 3);
              const n = at<tf.Tensor3D>(t, 4);
              const hn = at<tf.Tensor3D>(t, 5);
              const gz = tf.mul(g, z);
              const dn = tf.sub(g, gz);
              const dz = tf.mul(g, tf.sub(hPrev(t), n));
              const dan = tf.mul(dn, tf.sub(1, tf.square(n)));
              const dr = tf.mul(dan, hn);
              const dzrPre = tf.mul(tf.stack([dz, dr]), tf.mul(zr, tf.sub(1, zr)));
              const dhn = tf.mul(dan, r);
              const [dzPre, drPre] = tf.unstack(dzrPre) as tf.Tensor3D[];
              const perGate = [dzPre, drPre, dhn].map((m) => tf.unstack(m) as tf.Tensor2D[]);
              // dh_{t−1} = g ⊙ z + Σ_gates dhp_gate · U_gateᵀ, per direction (2-D matMuls, see recurrentProjection).
              const back = Array.from({ length: D }, (_, d) => tf.addN(perGate.map((dg, gate) => tf.matMul(dg[d], UbT[gate][d]))));
              return {
                dxpt: tf.concat([dzrPre, tf.reshape(dan, [1, D, N, H])]),
                perGate,
                carry: tf.add(gz, tf.stack(back)) as tf.Tensor3D,
              } satisfies BackStep as unknown as tf.TensorContainer;
            };
            const out = (scoped ? tf.tidy(run) : run()) as unknown as BackStep;
            dxp[t] = out.dxpt;
            out.perGate.forEach((perDirection, gate) => perDirection.forEach((m, d) => (pieces[gate][d][t] = m)));
            if (scoped) {
              dys[t].dispose();
              if (before) before.dispose();
            }
            carry = out.carry;
          }
          // Weight gradients of all steps at once: dU[g][d] = H_prev[d]ᵀ · dHP[g][d] over the L·N rows
          // (an explicit transpose, because wasm's transposed-A matMul leaves XNNPACK).
          const hPrevT = Array.from({ length: D }, (_, d) =>
            tf.transpose(tf.concat(Array.from({ length: L }, (_, t) => (tf.unstack(hPrev(t)) as tf.Tensor2D[])[d]))),
          );
          const dHP = pieces.map((perDirection) => perDirection.map((steps) => tf.concat(steps) as tf.Tensor2D));
          const dU = tf.reshape(tf.stack(dHP.flatMap((perDirection) => perDirection.map((m, d) => tf.matMul(hPrevT[d], m)))), [3, D, H, H]);
          // Σ over steps and sequences of the n gate's recurrent gradient, as a matMul by ones.
          const ones = tf.ones([1, L * N]);
          const dbn = tf.reshape(tf.stack(dHP[2].map((m) => tf.matMul(ones, m))), [D, 1, H]);
          return [tf.stack(dxp), dU, dbn];
        }),
    };
  });
  return op(xp, U, bn) as tf.Tensor4D;
};
