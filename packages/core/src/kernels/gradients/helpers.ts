/** What the gradient functions here share: their return type and undoing a broadcast. */
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
