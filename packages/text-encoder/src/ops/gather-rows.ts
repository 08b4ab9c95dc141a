import * as tf from '@tensorflow/tfjs-core';

/**
 * Row gathers whose gradients use only kernels every backend has (Gather, ScatterNd).
 *
 * tf.gather's own gradient is UnsortedSegmentSum, which the wasm backend lacks; these helpers
 * make the text encoder trainable on cpu, wasm and webgpu alike, and the permutation variant is
 * cheaper than a scatter because its gradient is just another gather.
 */

/** tf.customGrad passes the inputs, then the save function. */
export type CustomGradArgs = Array<tf.Tensor | tf.GradSaveFunc>;

/**
 * `x[indices[k]]` for each k: x [R, D], indices [K] → [K, D].
 * Gradient: a scatter-add of dy into zeros [R, D] (duplicated indices sum).
 */
export function gatherRows(x: tf.Tensor2D, indices: Int32Array): tf.Tensor2D {
  const rows = x.shape[0];
  // The index tensors are made where they are used (not saved), so nothing outlives a call.
  const op = tf.customGrad((...args: CustomGradArgs) => {
    const table = args[0] as tf.Tensor;
    return {
      value: tf.gather(table, tf.tensor1d(indices, 'int32')) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor) => [tf.scatterND(tf.tensor2d(indices, [indices.length, 1], 'int32'), dy, [rows, table.shape[1] as number])],
    };
  });
  return op(x) as tf.Tensor2D;
}

/**
 * Reorders rows by a permutation: out[k] = x[perm[k]], x [R, D], perm a bijection of 0..R-1.
 * Gradient: dy gathered by the inverse permutation (no scatter needed); pass `inverse` when it
 * is at hand, else it is computed (and `perm` checked) when a gradient is asked for.
 */
export function permuteRows(x: tf.Tensor2D, perm: Int32Array, inverse?: Int32Array): tf.Tensor2D {
  if (perm.length !== x.shape[0]) {
    throw new Error(`permuteRows: permutation has ${perm.length} entries but x has ${x.shape[0]} rows`);
  }
  const op = tf.customGrad((...args: CustomGradArgs) => ({
    value: tf.gather(args[0] as tf.Tensor, tf.tensor1d(perm, 'int32')) as tf.Tensor2D,
    gradFunc: (dy: tf.Tensor) => [tf.gather(dy, tf.tensor1d(inverse ?? invertPermutation(perm), 'int32'))],
  }));
  return op(x) as tf.Tensor2D;
}

/** The inverse of a permutation; throws when `perm` is not one. */
export function invertPermutation(perm: Int32Array): Int32Array {
  const inverse = new Int32Array(perm.length).fill(-1);
  for (let k = 0; k < perm.length; k++) {
    const p = perm[k];
    if (p < 0 || p >= perm.length || inverse[p] !== -1) {
      throw new Error(`invertPermutation: entry ${k} (${p}) makes this not a permutation of 0..${perm.length - 1}`);
    }
    inverse[p] = k;
  }
  return inverse;
}

/**
 * Moves rows: out[dest[k]] = x[k] for x [R, H], with dest injective into 0..outRows−1, or −1
 * to drop the row; rows of out that receive nothing are zero. → [outRows, H].
 *
 * Built on ScatterNd (dropped rows land in one extra row that is cut off), because on tfjs-cpu
 * a scatter copies whole rows while gather and transpose index every element: moving the
 * Bi-GRU's [L·2·N, 3H] rows this way is about 8× faster there. The gradient is the reverse move.
 */
export function moveRows(x: tf.Tensor2D, dest: Int32Array, outRows: number): tf.Tensor2D {
  const [rows, width] = x.shape;
  if (dest.length !== rows) throw new Error(`moveRows: ${dest.length} destinations for ${rows} rows`);
  const source = new Int32Array(outRows).fill(-1);
  for (let k = 0; k < rows; k++) {
    const j = dest[k];
    if (j === -1) continue;
    if (j < 0 || j >= outRows || source[j] !== -1) throw new Error(`moveRows: destination ${j} of row ${k} is out of range or taken twice`);
    source[j] = k;
  }
  const scatter = (input: tf.Tensor, to: Int32Array, size: number) => {
    // Without dropped rows there is no extra row to cut off (a slice copies the whole tensor on wasm).
    if (!to.includes(-1)) return tf.scatterND(tf.tensor2d(to, [to.length, 1], 'int32'), input, [size, width]);
    const indices = tf.tensor2d(to.map((j) => (j === -1 ? size : j)), [to.length, 1], 'int32');
    return tf.slice(tf.scatterND(indices, input, [size + 1, width]), [0, 0], [size, width]);
  };
  const op = tf.customGrad((...args: CustomGradArgs) => ({
    value: scatter(args[0] as tf.Tensor, dest, outRows) as tf.Tensor2D,
    gradFunc: (dy: tf.Tensor) => [scatter(dy, source, rows)],
  }));
  return op(x) as tf.Tensor2D;
}
