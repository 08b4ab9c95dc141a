import * as tf from '@tensorflow/tfjs-core';

/**
 * A variable initialised from values (zeros when `values` is null), without leaving the initial
 * tensor behind: tf.variable(t) shares t's data, so a `t` built outside tf.tidy would stay alive
 * as long as the variable. Leave `name` out unless it is unique: tfjs variable names are global.
 * Stable names for saving come from each module's namedWeights().
 */
export function newVariable<R extends tf.Rank = tf.Rank>(values: Float32Array | null, shape: number[], trainable = true, name?: string): tf.Variable<R> {
  return tf.tidy(() => {
    const initial: tf.Tensor = values ? tf.tensor(values, shape, 'float32') : tf.zeros(shape);
    return tf.variable(initial, trainable, name);
  }) as tf.Variable<R>;
}
