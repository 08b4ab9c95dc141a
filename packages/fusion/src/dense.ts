import * as tf from '@tensorflow/tfjs-core';
import { glorotLimit, newVariable, type SeededRandom } from '@trimod/core';

/**
 * A dense layer's weights: kernel [in, out] and bias [out], with the names they are saved under.
 * (tfjs variable names are global and must be unique, so the saved names are kept here instead.)
 */
export interface DenseWeights {
  name: string;
  kernel: tf.Variable;
  bias: tf.Variable | null;
}

export function makeDense(rng: SeededRandom, name: string, inDim: number, outDim: number, useBias = true): DenseWeights {
  const kernel = newVariable(rng.uniformArray(inDim * outDim, glorotLimit(inDim, outDim)), [inDim, outDim]);
  const bias = useBias ? newVariable(null, [outDim]) : null;
  return { name, kernel, bias };
}

/** x [..., in] → [..., out], applying the kernel to the last axis. */
export function applyDense(x: tf.Tensor, d: DenseWeights): tf.Tensor {
  const inDim = x.shape[x.shape.length - 1];
  const lead = x.shape.slice(0, -1);
  const flat = tf.reshape(x, [-1, inDim]);
  let y = tf.matMul(flat, d.kernel);
  if (d.bias) y = tf.add(y, d.bias);
  return tf.reshape(y, [...lead, d.kernel.shape[1] as number]);
}
