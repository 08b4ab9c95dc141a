import * as tf from '@tensorflow/tfjs-core';
import type { CustomGradArgs } from './gather-rows';

/**
 * x·W + b for x [R, I], W [I, O], b [O] → [R, O], with a backward pass of plain matMuls only:
 * tfjs's own gradient computes dW as xᵀ·dy with a transposed A, which the wasm backend runs
 * outside XNNPACK (≈10× slower), and dx as dy·Wᵀ with a transposed B (≈3× slower); explicit
 * transposes cost far less. db is a matMul by ones (tfjs-cpu reduces over rows by
 * transposing element by element).
 */
export function dense(x: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  const op = tf.customGrad((...args: CustomGradArgs) => {
    const [xIn, WIn, bIn, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    save([xIn, WIn]);
    return {
      value: tf.fused.matMul({ a: xIn, b: WIn, bias: bIn }),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, Ws] = saved as tf.Tensor2D[];
        const dy2 = dy as tf.Tensor2D;
        return [
          tf.matMul(dy2, tf.transpose(Ws)),
          tf.matMul(tf.transpose(xs), dy2),
          tf.reshape(tf.matMul(tf.ones([1, dy2.shape[0]]), dy2), [dy2.shape[1]]),
        ];
      },
    };
  });
  return op(x, W, b) as tf.Tensor2D;
}
