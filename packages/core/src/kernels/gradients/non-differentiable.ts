/**
 * Kernels whose outputs are piecewise constant (comparisons, rounding, argmax, ...). Their
 * gradient is zero, but it has to exist: without one, a tape that runs through e.g.
 * `where(greater(x, 0), x, y)` or `oneHot(argMax(logits))` fails with "gradient function not
 * found" (tfjs registers none for comparisons and logical ops).
 */
import * as tf from '@tensorflow/tfjs-core';
import { type GradientMap, zerosFor } from './helpers';

function zeroGrad(kernelName: string, inputNames: string[]): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: inputNames,
    gradFunc: (_dy, saved): GradientMap => {
      const out: GradientMap = {};
      inputNames.forEach((name, i) => {
        out[name] = () => zerosFor(saved[i]);
      });
      return out;
    },
  };
}

const binary = [
  tf.Equal,
  tf.NotEqual,
  tf.Greater,
  tf.GreaterEqual,
  tf.Less,
  tf.LessEqual,
  tf.LogicalAnd,
  tf.LogicalOr,
];
const unary = [
  tf.LogicalNot,
  tf.ArgMax,
  tf.ArgMin,
  tf.Sign,
  tf.Floor,
  tf.Ceil,
  tf.Round,
  tf.Step,
  tf.IsNan,
  tf.IsInf,
  tf.IsFinite,
  tf.ZerosLike,
  tf.OnesLike,
];

export const zeroGradients: tf.GradConfig[] = [
  ...binary.map((k) => zeroGrad(k, ['a', 'b'])),
  ...unary.map((k) => zeroGrad(k, ['x'])),
];
