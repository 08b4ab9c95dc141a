import * as tf from '@tensorflow/tfjs-core';
import { fusedSumOfSquares, hasFusedAdam } from '@trimod/core';
import { FusedAdamOptimizer } from './fused-adam';

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

/**
 * Whether `adam` runs as FusedAdamOptimizer (the same numbers as tf.train.adam, one kernel per
 * variable): where the backend has the kernel (cpu, wasm), unless switched off by
 * setFusedAdam(false) or, in Node, TRIMOD_FUSED_ADAM=0 (to measure against tfjs's Adam).
 */
let fusedAdamEnabled = !(typeof process !== 'undefined' && process.env != null && process.env.TRIMOD_FUSED_ADAM === '0');

export function setFusedAdam(on: boolean): void {
  fusedAdamEnabled = on;
}

export function makeOptimizer(s: OptimizerSettings, epoch: number): tf.Optimizer {
  if (s.preset === 'paper') return tf.train.sgd(s.learningRate / (1 + s.decay * epoch));
  return fusedAdamEnabled && hasFusedAdam() ? new FusedAdamOptimizer(s.learningRate) : tf.train.adam(s.learningRate);
}

/**
 * The factor clipByGlobalNorm puts on every gradient, min(1, maxNorm / ‖grads‖), as a number,
 * computed in one pass per gradient by core's TrimodSumOfSquares (no squared copies), rounded
 * as clipByGlobalNorm's float32 ops round it. Needs hasFusedAdam().
 */
export function globalNormScale(grads: Record<string, tf.Tensor>, maxNorm: number): number {
  const sumSq = fusedSumOfSquares(Object.values(grads));
  const total = sumSq.dataSync()[0];
  sumSq.dispose();
  const f = Math.fround;
  const norm = f(Math.sqrt(total));
  return f(f(maxNorm) / Math.max(norm, f(maxNorm)));
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
