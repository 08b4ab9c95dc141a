/** Gradients of matrix products and convolutions. */
import * as tf from '@tensorflow/tfjs-core';
import { type GradientMap, sumToShape } from './helpers';

/**
 * C = op(A) op(B) with op = optional transpose of the last two axes. Batch axes may broadcast
 * (e.g. [B, T, D] x [1, D, H]); each gradient is summed back to its input's shape.
 */
const batchMatMulGrad: tf.GradConfig = {
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

/** conv2d (and conv1d, which runs as a conv2d of height 1), NHWC; dilation 1 only. */
const conv2DGrad: tf.GradConfig = {
  kernelName: tf.Conv2D,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs): GradientMap => {
    const [x, filter] = saved;
    const dilations = attrs.dilations as number | [number, number];
    const dil = typeof dilations === 'number' ? [dilations, dilations] : dilations;
    if (dil[0] !== 1 || dil[1] !== 1) {
      throw new Error(`Conv2D gradient: dilations must be 1, got [${dil}]`);
    }
    const common = {
      strides: attrs.strides,
      pad: attrs.pad,
      dataFormat: attrs.dataFormat,
      dimRoundingMode: attrs.dimRoundingMode,
    } as tf.NamedAttrMap;
    const g = dy as tf.Tensor;
    return {
      x: () =>
        tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: g, filter }, { ...common, inputShape: x.shape }) as tf.Tensor,
      filter: () =>
        tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: g }, { ...common, filterShape: filter.shape }) as tf.Tensor,
    };
  },
};

export const linearAlgebraGradients: tf.GradConfig[] = [batchMatMulGrad, conv2DGrad];
