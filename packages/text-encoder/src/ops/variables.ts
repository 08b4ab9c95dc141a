import * as tf from '@tensorflow/tfjs-core';

/**
 * A variable initialised from values, without leaving the initial tensor behind (tf.variable
 * keeps its argument alive otherwise). Variables stay unnamed in tfjs, whose names are global
 * and must be unique; stable names for saving come from each module's namedWeights().
 */
export function newVariable(values: Float32Array | null, shape: number[], trainable = true): tf.Variable {
  return tf.tidy(() => tf.variable(values ? tf.tensor(values, shape, 'float32') : tf.zeros(shape), trainable));
}
