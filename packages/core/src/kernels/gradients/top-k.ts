/** Gradient of TopK, for which tfjs registers none. */
import * as tf from '@tensorflow/tfjs-core';
import type { GradientMap } from './helpers';

/**
 * top-k values: each dy value goes back to the position its index names: one-hot the indices
 * over the last axis ([..., k, n]), weight by dy ([..., k, 1]) and sum over k. The indices
 * output carries no gradient, so only the values' dy is used.
 */
export const topKGradient: tf.GradConfig = {
  kernelName: tf.TopK,
  inputsToSave: ['x'],
  outputsToSave: [false, true],
  gradFunc: (dy, saved): GradientMap => {
    const [x, indices] = saved;
    // A call that asked for one output's gradient gets a tensor, otherwise an array.
    const dValues = Array.isArray(dy) ? dy[0] : dy;
    const n = x.shape[x.rank - 1];
    return {
      // int32 one-hot then cast: tfjs-backend-wasm's own OneHot ignores a float32 dtype.
      x: () => tf.sum(tf.mul(tf.cast(tf.oneHot(indices, n), 'float32'), tf.expandDims(dValues, -1)), -2),
    };
  },
};
