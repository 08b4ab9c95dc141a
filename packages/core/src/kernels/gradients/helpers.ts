/** Shape helpers the gradient functions share. */
import * as tf from '@tensorflow/tfjs-core';

/** What a gradient function returns: one thunk per differentiable input name. */
export type GradientMap = Record<string, () => tf.Tensor>;

/**
 * Undoes broadcasting: sums `grad` over the axes along which an input of `shape` was broadcast
 * (leading axes it lacked, and axes where it had size 1), then reshapes it to `shape`.
 */
export function sumToShape(grad: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const lead = grad.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < grad.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && grad.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length > 0 ? tf.sum(grad, axes) : grad;
  return tf.reshape(summed, shape as number[]);
}

/** `shape` with each reduced axis kept as size 1 (what `keepDims: true` would have given). */
export function keepDimsShape(shape: readonly number[], axes: readonly number[]): number[] {
  const out = shape.slice();
  for (const a of axes) out[a] = 1;
  return out;
}

/** Normalises a reduction-axis attribute (number, list, negative) against `shape`. */
export function reductionAxes(axis: unknown, shape: readonly number[]): number[] {
  return tf.util.parseAxisParam(axis as number | number[], shape as number[]);
}

/** The float32 gradient of `x` when nothing flows back to it. */
export function zerosFor(x: tf.Tensor): tf.Tensor {
  return tf.zeros(x.shape, 'float32');
}

/** A single upstream gradient; kernels with one output get a tensor, others an array. */
export function firstDy(dy: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(dy) ? dy[0] : dy;
}

/** All upstream gradients as an array (a one-output call of a multi-output kernel gives a tensor). */
export function allDys(dy: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return Array.isArray(dy) ? dy : [dy];
}

/** Maps an array of gradient tensors to the '0', '1', ... names of array-input kernels. */
export function indexedGradients(grads: readonly tf.Tensor[]): GradientMap {
  const out: GradientMap = {};
  grads.forEach((g, i) => {
    out[String(i)] = () => g;
  });
  return out;
}
