import * as tf from '@tensorflow/tfjs-core';
import { glorotLimit, newVariable, type SeededRandom } from '@trimod/core';
import { dense } from '../ops/dense';
import { gatherRows, moveRows } from '../ops/gather-rows';
import { autodiffRecurrence, fusedRecurrence, type Recurrence } from './gru-recurrence';
import { leanRecurrence, recordingGradients } from './lean-recurrence';
import { nativeBiGru, nativeRecurrenceUsable } from './native-recurrence';
import { orthogonalMatrix } from './orthogonal';
import { finalStateRows, sequenceLayout, type SequenceLayout } from './sequence-layout';

/**
 * How the recurrence is run and differentiated: 'native' (the whole time loop and its
 * backward pass in one kernel call: WebAssembly on cpu and wasm, WGSL on webgpu; elsewhere it
 * falls back to 'fused'), 'fused' (tfjs ops per step, hand-written backward in tf.customGrad) or
 * 'autodiff' (tfjs ops per step, tfjs's tape). All compute the same numbers; which is fastest
 * depends on the backend (see `fastestImplementation`).
 */
export type GruImplementation = 'native' | 'fused' | 'autodiff';

const RECURRENCES: Record<GruImplementation, Recurrence> = {
  native: fusedRecurrence,
  fused: fusedRecurrence,
  autodiff: autodiffRecurrence,
};

/**
 * Measured with `npm run bench` (batch 32 × 40 tokens, forward + backward); see README. On
 * webgpu 'native' is the WGSL kernels (bench/webgpu-ab.ts; one dispatch per pass instead of ~10
 * per step). Backends not listed use 'fused'.
 */
const FASTEST_BY_BACKEND: Record<string, GruImplementation> = {
  cpu: 'native',
  wasm: 'native',
  webgpu: 'native',
};

/** The faster implementation for a backend name (e.g. `tf.getBackend()`). */
export function fastestImplementation(backend: string): GruImplementation {
  return FASTEST_BY_BACKEND[backend] ?? 'fused';
}

/**
 * An input [N, L, Din] given as rows of a table: x[n, l] is `table` row `index[n·L + l]`. The
 * native path projects each table row once and gathers the projections instead of projecting
 * every position (the same numbers: a matMul's output row depends only on its input row); the
 * other paths gather x first.
 */
export interface TableRows {
  table: tf.Tensor2D;
  index: Int32Array;
  /** [N, L] */
  shape: [number, number];
}

/**
 * On unless setSkipPadding(false) or, in Node, TRIMOD_SKIP_PADDING=0 (to measure against or
 * check the path that projects every position).
 */
let skippingPadding = !(typeof process !== 'undefined' && process.env != null && process.env.TRIMOD_SKIP_PADDING === '0');

/**
 * Whether the native path projects only the real positions of a padded input (see realRows);
 * returns the previous setting. The outputs and gradients are the same either way.
 */
export function setSkipPadding(on: boolean): boolean {
  const before = skippingPadding;
  skippingPadding = on;
  return before;
}

/**
 * x [N, L, Din] as rows of a table holding only its real positions (t < the sequence's length),
 * padding positions pointing at row 0; null when nothing is padding or nothing is real. The
 * recurrence never reads a padding position's projection and its backward pass gives one a
 * zero gradient, so projecting real rows only is the same arithmetic minus products with zero:
 * in a training batch of random posts padded to the longest, near half the rows are padding,
 * and the projection with its two gradient products was the largest matMul cost of a step.
 */
function realRows(x: tf.Tensor3D, lengths: ArrayLike<number>): TableRows | null {
  const [N, L, Din] = x.shape;
  let real = 0;
  for (let n = 0; n < N; n++) real += lengths[n];
  if (real === N * L || real === 0) return null;
  const positions = new Int32Array(real);
  const index = new Int32Array(N * L);
  let r = 0;
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < lengths[n]; t++) {
      positions[r] = n * L + t;
      index[n * L + t] = r++;
    }
  }
  return { table: gatherRows(tf.reshape(x, [N * L, Din]), positions), index, shape: [N, L] };
}

/** What a Bi-GRU reads: x [N, L, Din], or the same as rows of a table. */
export type GruInput = tf.Tensor3D | TableRows;

function isTableRows(input: GruInput): input is TableRows {
  return !(input instanceof tf.Tensor);
}

/**
 * A bidirectional GRU over padded batches, both directions in one loop.
 *
 * Weights (gates z, r, n; direction 0 = forward, 1 = backward):
 * - kernel [Din, 2·3·H]: input projections of both directions side by side, columns ordered
 *   (direction, gate, unit), so one matMul projects every step of both directions;
 * - bias [2·3·H];
 * - recurrentKernel [3, 2, H, H] (gate, direction): one batched matMul per step;
 * - recurrentBias [2, H]: the n gate's recurrent bias (inside r ⊙ (h·U_n + b_n)).
 */
export class BiGru {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  readonly recurrentKernel: tf.Variable;
  readonly recurrentBias: tf.Variable;

  constructor(
    readonly name: string,
    readonly inputDim: number,
    readonly hidden: number,
    rng: SeededRandom,
  ) {
    if (!Number.isInteger(inputDim) || inputDim < 1) throw new Error(`BiGru ${name}: inputDim must be a positive integer, got ${inputDim}`);
    if (!Number.isInteger(hidden) || hidden < 1) throw new Error(`BiGru ${name}: hidden must be a positive integer, got ${hidden}`);
    const H = hidden;
    // Glorot per direction ([Din, 3H]), stored side by side.
    const limit = glorotLimit(inputDim, 3 * H);
    const kernel = new Float32Array(inputDim * 6 * H);
    for (let d = 0; d < 2; d++) {
      const block = rng.uniformArray(inputDim * 3 * H, limit);
      for (let i = 0; i < inputDim; i++) kernel.set(block.subarray(i * 3 * H, (i + 1) * 3 * H), i * 6 * H + d * 3 * H);
    }
    // Orthogonal per gate and direction [H, H], as recurrent weights are usually initialised.
    const recurrent = new Float32Array(3 * 2 * H * H);
    for (let d = 0; d < 2; d++) {
      for (let g = 0; g < 3; g++) recurrent.set(orthogonalMatrix(rng, H), (g * 2 + d) * H * H);
    }
    this.kernel = newVariable(kernel, [inputDim, 6 * H]);
    this.bias = newVariable(null, [6 * H]);
    this.recurrentKernel = newVariable(recurrent, [3, 2, H, H]);
    this.recurrentBias = newVariable(null, [2, H]);
  }

  /** Weights by their stable names (`<name>/kernel`, ...). */
  namedWeights(): Record<string, tf.Variable> {
    return {
      [`${this.name}/kernel`]: this.kernel,
      [`${this.name}/bias`]: this.bias,
      [`${this.name}/recurrentKernel`]: this.recurrentKernel,
      [`${this.name}/recurrentBias`]: this.recurrentBias,
    };
  }

  variables(): tf.Variable[] {
    return [this.kernel, this.bias, this.recurrentKernel, this.recurrentBias];
  }

  /**
   * Runs both directions. x [N, L, Din] → states [L, 2, N, H], where direction 1's step t is
   * position len − 1 − t of its sequence (the sequence reversed within its length).
   * `impl` chooses how a recorded gradient is computed; with none being recorded the lean
   * recurrence runs (same numbers, memory that does not grow with L beyond inputs and states).
   * (apply and final take the native kernel instead where it can run: see `native`.)
   */
  states(x: tf.Tensor3D, layout: SequenceLayout, impl: GruImplementation = 'fused'): tf.Tensor4D {
    const [N, L, Din] = x.shape;
    if (Din !== this.inputDim) throw new Error(`BiGru ${this.name}: input has ${Din} features per step, expected ${this.inputDim}`);
    if (N !== layout.batch || L !== layout.steps) {
      throw new Error(`BiGru ${this.name}: input [${x.shape}] does not match the layout for ${layout.batch} sequences of ${layout.steps} steps`);
    }
    const H = this.hidden;
    const lean = !recordingGradients();
    return tf.tidy(() => {
      const projected = dense(tf.reshape(x, [N * L, Din]), this.kernel as tf.Tensor2D, this.bias as tf.Tensor1D);
      const gateMajor = moveRows(tf.reshape(projected, [N * L * 6, H]), layout.inputDest, L * 6 * N);
      // Without a tape nothing reads `projected` again: free it before the loop, not after.
      if (lean) projected.dispose();
      return (lean ? leanRecurrence : RECURRENCES[impl])(
        tf.reshape(gateMajor, [L, 3, 2, N, H]),
        this.recurrentKernel as tf.Tensor4D,
        tf.reshape(this.recurrentBias, [2, 1, H]) as tf.Tensor3D,
      );
    });
  }

  /**
   * Per-position outputs: x [N, L, Din] with real lengths → [N, L, 2H] = [forward; backward],
   * zero on padding. Padding never changes the outputs of real positions.
   * x may be given as rows of a table (TableRows).
   */
  apply(x: GruInput, lengths: ArrayLike<number>, impl: GruImplementation = 'fused'): tf.Tensor3D {
    const [N, L] = this.inputShape(x);
    if (this.native(N, L, impl)) return this.nativeOutputs(x, lengths);
    const layout = sequenceLayout(lengths, L);
    return tf.tidy(() => {
      const states = this.states(this.materialise(x), layout, impl);
      const rows = moveRows(tf.reshape(states, [L * 2 * N, this.hidden]), layout.outputDest, N * L * 2);
      if (!recordingGradients()) states.dispose();
      return tf.reshape(rows, [N, L, 2 * this.hidden]);
    });
  }

  /**
   * Final states: x [N, L, Din] with real lengths (each ≥ 1) → [N, 2H] = [forward state after
   * the last real step; backward state after the first position]. x as in apply.
   */
  final(x: GruInput, lengths: ArrayLike<number>, impl: GruImplementation = 'fused'): tf.Tensor2D {
    const [N, L] = this.inputShape(x);
    if (this.native(N, L, impl)) {
      // Forward final: position len − 1, direction 0; backward final: position 0, direction 1.
      const finals = new Int32Array(2 * N);
      for (let n = 0; n < N; n++) {
        if (!(lengths[n] >= 1)) throw new Error(`BiGru ${this.name}.final: sequence ${n} is empty, so it has no final state`);
        finals[2 * n] = (n * L + lengths[n] - 1) * 2;
        finals[2 * n + 1] = n * L * 2 + 1;
      }
      return tf.tidy(() => {
        const out = this.nativeOutputs(x, lengths);
        return tf.reshape(gatherRows(tf.reshape(out, [N * L * 2, this.hidden]), finals), [N, 2 * this.hidden]);
      });
    }
    const layout = sequenceLayout(lengths, L);
    return tf.tidy(() => {
      const states = this.states(this.materialise(x), layout, impl);
      const last = gatherRows(tf.reshape(states, [L * 2 * N, this.hidden]), finalStateRows(layout));
      return tf.reshape(last, [N, 2 * this.hidden]);
    });
  }

  /**
   * Whether apply / final run the native kernel: on the backends it supports (cpu, wasm, webgpu), always
   * for inference and under a gradient tape when `impl` is 'native'.
   */
  private native(N: number, L: number, impl: GruImplementation): boolean {
    const taped = recordingGradients();
    return (!taped || impl === 'native') && nativeRecurrenceUsable(L, N, this.hidden, taped);
  }

  /** x [N, L, Din] → [N, L, 2H] through the native kernel: one matMul for the input projections, one call for the time loop. */
  private nativeOutputs(x: GruInput, lengths: ArrayLike<number>): tf.Tensor3D {
    const [N, L, Din] = this.inputShape(x);
    if (Din !== this.inputDim) throw new Error(`BiGru ${this.name}: input has ${Din} features per step, expected ${this.inputDim}`);
    if (lengths.length !== N) throw new Error(`BiGru ${this.name}: ${lengths.length} lengths for ${N} sequences`);
    for (let n = 0; n < N; n++) {
      if (!Number.isInteger(lengths[n]) || lengths[n] < 0 || lengths[n] > L) throw new Error(`BiGru ${this.name}: length ${lengths[n]} of sequence ${n} is outside 0..${L}`);
    }
    const H = this.hidden;
    return tf.tidy(() => {
      const project = (input: tf.Tensor2D) => dense(input, this.kernel as tf.Tensor2D, this.bias as tf.Tensor1D);
      const rows = isTableRows(x) ? x : skippingPadding ? realRows(x, lengths) : null;
      const flat = rows ? gatherRows(project(rows.table), rows.index) : project(tf.reshape(x as tf.Tensor3D, [N * L, Din]));
      const projected = tf.reshape(flat, [N, L, 6 * H]) as tf.Tensor3D;
      return nativeBiGru(projected, this.recurrentKernel as tf.Tensor4D, tf.reshape(this.recurrentBias, [2, 1, H]) as tf.Tensor3D, lengths, recordingGradients());
    });
  }

  /** [N, L, Din] of an input, checking that rows of a table describe one. */
  private inputShape(x: GruInput): [number, number, number] {
    if (!isTableRows(x)) return x.shape;
    const [N, L] = x.shape;
    if (x.index.length !== N * L) throw new Error(`BiGru ${this.name}: ${x.index.length} row indices for an input of ${N} sequences of ${L} steps`);
    return [N, L, x.table.shape[1]];
  }

  /** x [N, L, Din] of an input (rows of a table gathered). */
  private materialise(x: GruInput): tf.Tensor3D {
    if (!isTableRows(x)) return x;
    const [N, L, Din] = this.inputShape(x);
    return tf.reshape(gatherRows(x.table, x.index), [N, L, Din]);
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
  }
}
