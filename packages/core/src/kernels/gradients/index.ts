/**
 * The few gradients training needs beyond tfjs-core's own. tfjs's own gradients are registered by
 * packages/core/src/tfjs-setup.ts, which the package's index imports first; ours only fill the
 * kernels tfjs has no gradient for (FILLS_TFJS) and replace the tfjs gradients that are wrong
 * (REPLACES_TFJS). A config here that never ends up registered is dead code, and
 * test/gradients-registered.test.ts fails on it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { avgPoolGradient } from './avg-pool';
import { batchMatMulGradient } from './batch-matmul';
import { cumsumGradient } from './cumsum';
import { maximumGradient, minimumGradient } from './maximum-minimum';
import { zeroGradients } from './non-differentiable';
import { tileGradient } from './tile';
import { topKGradient } from './top-k';

/**
 * Kernels tfjs registers no gradient for. Registered only where none is registered yet, so a
 * later tfjs that adds its own wins (and gradients-registered.test.ts then flags ours as dead).
 */
const FILLS_TFJS: readonly tf.GradConfig[] = [topKGradient, ...zeroGradients];

/**
 * tfjs gradients we replace, because they are wrong: BatchMatMul, Maximum and Minimum fail on
 * broadcast inputs, Cumsum on a non-last axis, Tile above rank 4, and AvgPool with 'same' padding
 * divides border windows by the full window area. Each file says more.
 */
const REPLACES_TFJS: readonly tf.GradConfig[] = [
  batchMatMulGradient,
  maximumGradient,
  minimumGradient,
  cumsumGradient,
  tileGradient,
  avgPoolGradient,
];

/** Every gradient config this package provides, one per kernel name. */
export const trainingGradientConfigs: readonly tf.GradConfig[] = [...FILLS_TFJS, ...REPLACES_TFJS];

/**
 * Registers FILLS_TFJS where the kernel has no gradient yet, and REPLACES_TFJS over whatever is
 * there. Idempotent. Returns the kernel names registered by this call.
 */
export function registerTrainingGradients(): string[] {
  const added: string[] = [];
  const register = (config: tf.GradConfig, replace: boolean) => {
    const existing = tf.getGradient(config.kernelName);
    if (existing === config || (existing != null && !replace)) return;
    tf.registerGradient(config);
    added.push(config.kernelName);
  };
  for (const config of FILLS_TFJS) register(config, false);
  for (const config of REPLACES_TFJS) register(config, true);
  return added;
}
