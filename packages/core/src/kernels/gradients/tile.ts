/**
 * Gradient of Tile. tfjs's own handles rank 1 to 4 only (one hand-written loop per rank), so this
 * rank-free one replaces it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradientMap } from './helpers';

/**
 * Tile repeats x `reps[i]` times along axis i, so viewing dy as [reps0, s0, reps1, s1, ...] and
 * summing the reps axes adds every copy's gradient back onto x (any rank, one sum).
 */
export const tileGradient: tf.GradConfig = {
  kernelName: tf.Tile,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs): GradientMap => {
    const [x] = saved;
    const reps = attrs.reps as number[];
    return {
      x: () => {
        const split = x.shape.flatMap((s, i) => [reps[i], s]);
        const repAxes = x.shape.map((_, i) => 2 * i);
        return tf.reshape(tf.sum(tf.reshape(dy as tf.Tensor, split), repAxes), x.shape);
      },
    };
  },
};
