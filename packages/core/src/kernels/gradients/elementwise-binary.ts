/**
 * Gradients of two-input element-wise kernels. Inputs may broadcast against each other, so each
 * input's gradient is summed back to that input's shape (tfjs's own Maximum/Minimum gradients
 * skip this and fail on broadcast inputs).
 */
import * as tf from '@tensorflow/tfjs-core';
import { type GradientMap, sumToShape } from './helpers';

type Binary = (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => { a: () => tf.Tensor; b: () => tf.Tensor };

/** Builds a config for kernel `name` with inputs a, b from the unreduced gradients in `grads`. */
function binaryGrad(kernelName: string, grads: Binary): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): GradientMap => {
      const [a, b] = saved;
      const g = grads(dy as tf.Tensor, a, b);
      return { a: () => sumToShape(g.a(), a.shape), b: () => sumToShape(g.b(), b.shape) };
    },
  };
}

const f32 = (t: tf.Tensor) => tf.cast(t, 'float32');

export const binaryGradients: tf.GradConfig[] = [
  binaryGrad(tf.Add, (dy) => ({ a: () => dy, b: () => dy })),
  binaryGrad(tf.Sub, (dy) => ({ a: () => dy, b: () => tf.neg(dy) })),
  binaryGrad(tf.Multiply, (dy, a, b) => ({ a: () => tf.mul(dy, f32(b)), b: () => tf.mul(dy, f32(a)) })),
  binaryGrad(tf.RealDiv, (dy, a, b) => ({
    a: () => tf.div(dy, f32(b)),
    // d(a/b)/db = -a / b^2
    b: () => tf.neg(tf.div(tf.mul(dy, f32(a)), tf.square(f32(b)))),
  })),
  // Ties send the whole gradient to `a`, as TensorFlow does.
  binaryGrad(tf.Maximum, (dy, a, b) => ({
    a: () => tf.mul(dy, f32(tf.greaterEqual(a, b))),
    b: () => tf.mul(dy, f32(tf.less(a, b))),
  })),
  binaryGrad(tf.Minimum, (dy, a, b) => ({
    a: () => tf.mul(dy, f32(tf.lessEqual(a, b))),
    b: () => tf.mul(dy, f32(tf.greater(a, b))),
  })),
  binaryGrad(tf.SquaredDifference, (dy, a, b) => {
    const twoDiff = () => tf.mul(dy, tf.mul(tf.scalar(2), tf.sub(f32(a), f32(b))));
    return { a: twoDiff, b: () => tf.neg(twoDiff()) };
  }),
  binaryGrad(tf.Pow, (dy, a, b) => ({
    // d(a^b)/da = b a^(b-1)
    a: () => tf.mul(dy, tf.mul(f32(b), tf.pow(f32(a), tf.sub(f32(b), 1)))),
    // d(a^b)/db = a^b ln a, taken as 0 where a <= 0 (ln undefined), as TensorFlow does.
    b: () => {
      const positive = tf.greater(a, 0);
      const safeLog = tf.where(positive, tf.log(tf.where(positive, f32(a), tf.onesLike(f32(a)))), tf.zerosLike(f32(a)));
      return tf.mul(dy, tf.mul(tf.pow(f32(a), f32(b)), safeLog));
    },
  })),
];

/** Prelu(x, alpha) = x > 0 ? x : alpha * x; its inputs are named x and alpha. */
const preluGrad: tf.GradConfig = {
  kernelName: tf.Prelu,
  inputsToSave: ['x', 'alpha'],
  gradFunc: (dy, saved): GradientMap => {
    const [x, alpha] = saved;
    const g = dy as tf.Tensor;
    const positive = tf.greater(x, 0);
    return {
      x: () => sumToShape(tf.where(positive, g, tf.mul(g, alpha)), x.shape),
      alpha: () => sumToShape(tf.where(positive, tf.zerosLike(g), tf.mul(g, x)), alpha.shape),
    };
  },
};

/** AddN sums its array of inputs, so each gets the upstream gradient unchanged. */
const addNGrad: tf.GradConfig = {
  kernelName: tf.AddN,
  saveAllInputs: true,
  gradFunc: (dy, saved): GradientMap => {
    const out: GradientMap = {};
    saved.forEach((_, i) => {
      out[String(i)] = () => tf.clone(dy as tf.Tensor);
    });
    return out;
  },
};

export const otherBinaryGradients: tf.GradConfig[] = [preluGrad, addNGrad];
