/**
 * Gradients of reductions and normalisations: sum, mean, max, min, softmax, cumsum.
 * (tf.logSoftmax and tf.losses.softmaxCrossEntropy carry their own gradients: they never run a
 * LogSoftmax kernel, so none is needed here.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { type GradientMap, keepDimsShape, reductionAxes } from './helpers';

/** dy re-expanded to x's rank and broadcast over the reduced axes. */
function spreadOverReduced(dy: tf.Tensor, xShape: number[], axes: number[]): tf.Tensor {
  return tf.broadcastTo(tf.reshape(dy, keepDimsShape(xShape, axes)), xShape);
}

const sumGrad: tf.GradConfig = {
  kernelName: tf.Sum,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs): GradientMap => {
    const [x] = saved;
    return { x: () => spreadOverReduced(dy as tf.Tensor, x.shape, reductionAxes(attrs.axis, x.shape)) };
  },
};

const meanGrad: tf.GradConfig = {
  kernelName: tf.Mean,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs): GradientMap => {
    const [x] = saved;
    const axes = reductionAxes(attrs.axis, x.shape);
    const count = axes.reduce((n, a) => n * x.shape[a], 1);
    return { x: () => tf.div(spreadOverReduced(dy as tf.Tensor, x.shape, axes), count) };
  },
};

/** Max/min send the gradient to every position equal to the extreme value (ties all get it). */
/** Max names its axis attribute `reductionIndices`, Min names it `axis`. */
function extremeGrad(kernelName: string, axisAttr: 'reductionIndices' | 'axis'): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs): GradientMap => {
      const [x, y] = saved;
      const axes = reductionAxes(attrs[axisAttr], x.shape);
      const kept = keepDimsShape(x.shape, axes);
      return {
        x: () => {
          const hit = tf.cast(tf.equal(x, tf.reshape(y, kept)), 'float32');
          return tf.mul(tf.reshape(dy as tf.Tensor, kept), hit);
        },
      };
    },
  };
}

/** softmax: dx = y * (dy - sum(dy * y)) along the softmax axis. */
const softmaxGrad: tf.GradConfig = {
  kernelName: tf.Softmax,
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs): GradientMap => {
    const [y] = saved;
    const g = dy as tf.Tensor;
    return { logits: () => tf.mul(y, tf.sub(g, tf.sum(tf.mul(g, y), attrs.dim as number, true))) };
  },
};

/** A cumulative sum's gradient is the cumulative sum of dy in the other direction. */
const cumsumGrad: tf.GradConfig = {
  kernelName: tf.Cumsum,
  gradFunc: (dy, _saved, attrs): GradientMap => ({
    x: () => tf.cumsum(dy as tf.Tensor, attrs.axis as number, attrs.exclusive as boolean, !(attrs.reverse as boolean)),
  }),
};

export const reductionGradients: tf.GradConfig[] = [
  sumGrad,
  meanGrad,
  extremeGrad(tf.Max, 'reductionIndices'),
  extremeGrad(tf.Min, 'axis'),
  softmaxGrad,
  cumsumGrad,
];
