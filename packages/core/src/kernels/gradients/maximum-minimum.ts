/**
 * Gradients of Maximum and Minimum. Their inputs may broadcast against each other, so each
 * input's gradient is summed back to that input's shape; tfjs's own skip this and fail on
 * broadcast inputs, so these replace them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type GradientMap, sumToShape } from './helpers';

type Predicate = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** The config for kernel `kernelName` (inputs a, b): dy goes to a where `toA`, to b where `toB`. */
function pickGrad(kernelName: string, toA: Predicate, toB: Predicate): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): GradientMap => {
      const [a, b] = saved;
      const g = dy as tf.Tensor;
      return {
        a: () => sumToShape(tf.mul(g, tf.cast(toA(a, b), 'float32')), a.shape),
        b: () => sumToShape(tf.mul(g, tf.cast(toB(a, b), 'float32')), b.shape),
      };
    },
  };
}

// Ties send the whole gradient to `a`, as TensorFlow does.
export const maximumGradient = pickGrad(tf.Maximum, (a, b) => tf.greaterEqual(a, b), (a, b) => tf.less(a, b));
export const minimumGradient = pickGrad(tf.Minimum, (a, b) => tf.lessEqual(a, b), (a, b) => tf.greater(a, b));
