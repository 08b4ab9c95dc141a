import * as tf from '@tensorflow/tfjs-core';

/**
 * Training presets.
 * - `adam` (default): Adam, lr 1e-3, batch 32 — what measured best for this model family.
 * - `paper`: the method's settings as written: SGD, lr 0.005 with decay 0.05 per epoch
 *   (lr / (1 + 0.05·epoch)), batch 10 with gradients accumulated over 9 batches.
 */
export type OptimizerPreset = 'adam' | 'paper';

export interface OptimizerSettings {
  preset: OptimizerPreset;
  learningRate: number;
  batchSize: number;
  accumulation: number;
  decay: number;
  clipNorm: number;
}

export function optimizerSettings(preset: OptimizerPreset, overrides: Partial<OptimizerSettings> = {}): OptimizerSettings {
  const base: OptimizerSettings =
    preset === 'paper'
      ? { preset, learningRate: 0.005, batchSize: 10, accumulation: 9, decay: 0.05, clipNorm: 5 }
      : { preset, learningRate: 1e-3, batchSize: 32, accumulation: 1, decay: 0, clipNorm: 5 };
  const merged = { ...base, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) } as OptimizerSettings;
  if (!(merged.learningRate > 0)) throw new Error(`learning rate must be positive, got ${merged.learningRate}`);
  if (!Number.isInteger(merged.batchSize) || merged.batchSize < 1) throw new Error(`batch size must be a positive integer, got ${merged.batchSize}`);
  return merged;
}

export function makeOptimizer(s: OptimizerSettings, epoch: number): tf.Optimizer {
  if (s.preset === 'paper') return tf.train.sgd(s.learningRate / (1 + s.decay * epoch));
  return tf.train.adam(s.learningRate);
}

/** Scales gradients so their global L2 norm is at most `maxNorm` (in place of the map). */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): Record<string, tf.Tensor> {
  return tf.tidy(() => {
    const sq = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    const norm = tf.sqrt(tf.addN(sq));
    const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm));
    const out: Record<string, tf.Tensor> = {};
    for (const [k, g] of Object.entries(grads)) out[k] = tf.mul(g, scale);
    return out;
  });
}
