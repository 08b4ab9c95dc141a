/**
 * Comparisons and logical ops: piecewise constant, so their gradient is zero, but it has to
 * exist: without one, a tape that runs through e.g. `where(greater(x, 0), x, y)` fails with
 * "gradient function not found". tfjs registers none for these (it has them for GreaterEqual,
 * ArgMax, Floor, Sign and the like).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradientMap } from './helpers';

function zeroGrad(kernelName: string, inputNames: string[]): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: inputNames,
    gradFunc: (_dy, saved): GradientMap => {
      const out: GradientMap = {};
      inputNames.forEach((name, i) => {
        out[name] = () => tf.zeros(saved[i].shape, 'float32');
      });
      return out;
    },
  };
}

const binary = [tf.Equal, tf.NotEqual, tf.Greater, tf.Less, tf.LessEqual, tf.LogicalAnd, tf.LogicalOr];

export const zeroGradients: tf.GradConfig[] = [
  ...binary.map((k) => zeroGrad(k, ['a', 'b'])),
  zeroGrad(tf.LogicalNot, ['x']),
];
