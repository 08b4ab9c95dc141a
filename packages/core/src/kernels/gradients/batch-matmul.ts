/**
 * Gradient of BatchMatMul (every tf.matMul). tfjs's own does not sum over broadcast batch axes
 * and fails on e.g. [B, T, D] x [1, D, H], so this one replaces it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type GradientMap, sumToShape } from './helpers';

/** C = op(A) op(B), op an optional transpose of the last two axes; each gradient summed back to its input's shape. */
export const batchMatMulGradient: tf.GradConfig = {
  kernelName: tf.BatchMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs): GradientMap => {
    const [a, b] = saved;
    const g = dy as tf.Tensor;
    const tA = attrs.transposeA as boolean;
    const tB = attrs.transposeB as boolean;
    let da: () => tf.Tensor;
    let db: () => tf.Tensor;
    if (!tA && !tB) {
      da = () => tf.matMul(g, b, false, true);
      db = () => tf.matMul(a, g, true, false);
    } else if (!tA && tB) {
      da = () => tf.matMul(g, b, false, false);
      db = () => tf.matMul(g, a, true, false);
    } else if (tA && !tB) {
      da = () => tf.matMul(b, g, false, true);
      db = () => tf.matMul(a, g, false, false);
    } else {
      da = () => tf.matMul(b, g, true, true);
      db = () => tf.matMul(g, a, true, true);
    }
    return { a: () => sumToShape(da(), a.shape), b: () => sumToShape(db(), b.shape) };
  },
};
