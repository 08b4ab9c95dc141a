/**
 * Gradient of Cumsum: the cumulative sum of dy in the other direction. tfjs's own also transposes
 * that result when the axis is not the last one, which scrambles it (or fails on the shape), so
 * this one replaces it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradientMap } from './helpers';

export const cumsumGradient: tf.GradConfig = {
  kernelName: tf.Cumsum,
  gradFunc: (dy, _saved, attrs): GradientMap => ({
    x: () => tf.cumsum(dy as tf.Tensor, attrs.axis as number, attrs.exclusive as boolean, !(attrs.reverse as boolean)),
  }),
};
