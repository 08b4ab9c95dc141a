/**
 * Gradient functions for the kernels training uses, written against the public op API so they
 * run on every backend. tfjs-core ships its own gradients only as ES modules with
 * extension-less imports, which plain Node and CommonJS builds cannot load; where they are
 * loaded (packages/core/src/tfjs-setup.ts), ours fill the kernels tfjs has no gradient for
 * (TopK, comparisons, ...) and replace the tfjs gradients that are wrong (REPLACES_TFJS).
 */
import * as tf from '@tensorflow/tfjs-core';
import { binaryGradients, otherBinaryGradients } from './elementwise-binary';
import { unaryGradients } from './elementwise-unary';
import { indexingGradients } from './indexing';
import { layoutGradients } from './layout';
import { linearAlgebraGradients } from './linear-algebra';
import { zeroGradients } from './non-differentiable';
import { poolingGradients } from './pooling';
import { reductionGradients } from './reductions';

/** Every gradient config this package provides, one per kernel name. */
export const trainingGradientConfigs: readonly tf.GradConfig[] = [
  ...binaryGradients,
  ...otherBinaryGradients,
  ...unaryGradients,
  ...layoutGradients,
  ...reductionGradients,
  ...linearAlgebraGradients,
  ...poolingGradients,
  ...indexingGradients,
  ...zeroGradients,
];

/**
 * tfjs gradients we replace even when they are registered, because they are wrong:
 * BatchMatMul, Maximum and Minimum fail on broadcast inputs (no reduction back to the input
 * shape), Cumsum fails on a non-last axis, Tile fails above rank 4, and AvgPool with 'same'
 * padding divides border windows by the full window area.
 */
const REPLACES_TFJS = new Set<string>([tf.BatchMatMul, tf.Maximum, tf.Minimum, tf.Cumsum, tf.Tile, tf.AvgPool]);

/**
 * Registers each of our gradients whose kernel has none yet, and those in REPLACES_TFJS over
 * whatever is there (tfjs's own, when a bundler or tfjs-setup loaded them). Any other gradient
 * already registered is left alone. Returns the kernel names registered now.
 */
export function registerTrainingGradients(): string[] {
  const added: string[] = [];
  for (const config of trainingGradientConfigs) {
    const existing = tf.getGradient(config.kernelName);
    if (existing === config) continue;
    if (existing != null && !REPLACES_TFJS.has(config.kernelName)) continue;
    tf.registerGradient(config);
    added.push(config.kernelName);
  }
  return added;
}

