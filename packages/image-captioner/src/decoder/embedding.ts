import * as tf from '@tensorflow/tfjs-core';

type Save = (tensors: tf.Tensor[]) => void;

/**
 * Embedding lookup with a host-side gradient: the rows of dy are added into a [V, E] array
 * on the CPU. tfjs's own gradient needs UnsortedSegmentSum, which the wasm backend lacks, and
 * the one-hot matMul alternative costs N·V·E multiplies; this costs N·E additions.
 * ids: int32 [N] → [N, E].
 */
export function embed(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const [vocabSize, dim] = table.shape;
  // customGrad's typing lumps the save function in with the inputs; we take two tensors.
  const lookup = tf.customGrad(((t: tf.Tensor, i: tf.Tensor, save: Save) => {
    save([i]); // tensors the gradient reads must be saved, or the engine may free them first
    const value = tf.gather(t as tf.Tensor2D, i as tf.Tensor1D);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const rows = saved[0].dataSync();
      const d = dy.dataSync();
      const grad = new Float32Array(vocabSize * dim);
      for (let r = 0; r < rows.length; r++) {
        const to = rows[r] * dim;
        const from = r * dim;
        for (let k = 0; k < dim; k++) grad[to + k] += d[from + k];
      }
      return [tf.tensor2d(grad, [vocabSize, dim]), tf.zerosLike(saved[0])];
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return lookup(table, ids) as tf.Tensor2D;
}

/** A [N, depth] float one-hot matrix built on the host (tf.oneHot refuses depth 1). */
export function oneHotRows(indices: readonly number[], depth: number): tf.Tensor2D {
  const m = new Float32Array(indices.length * depth);
  indices.forEach((j, i) => {
    m[i * depth + j] = 1;
  });
  return tf.tensor2d(m, [indices.length, depth]);
}
