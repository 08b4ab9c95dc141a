import * as tf from '@tensorflow/tfjs-core';
import type { PostBatch, TriMod } from '../model/trimod';
import { FusedAdamOptimizer } from './fused-adam';
import { clipByGlobalNorm, globalNormScale } from './optimizers';

/**
 * One optimizer update from (summed) gradients, as `trimod train` makes it: clipped to global
 * norm `clipNorm`, then the optimizer. FusedAdamOptimizer takes the clipping as a factor on the
 * gradients inside its kernel; any other optimizer gets clipByGlobalNorm's scaled copies.
 * Disposes `grads`.
 */
export function applyUpdate(optimizer: tf.Optimizer, vars: readonly tf.Variable[], grads: Record<string, tf.Tensor>, clipNorm: number): void {
  try {
    if (optimizer instanceof FusedAdamOptimizer) {
      optimizer.applyGradients(everyVariable(vars, grads), globalNormScale(grads, clipNorm));
      return;
    }
    const clipped = clipByGlobalNorm(grads, clipNorm);
    optimizer.applyGradients(everyVariable(vars, clipped));
    tf.dispose(Object.values(clipped));
  } finally {
    tf.dispose(Object.values(grads));
  }
}

/**
 * The training step of `trimod train` (one batch, no gradient accumulation): the loss and its
 * gradients for every trainable variable, then applyUpdate. `trimod bench --data` times this.
 * Returns the batch's mean loss.
 */
export async function trainStep(model: TriMod, optimizer: tf.Optimizer, batch: PostBatch, tags: number[][], clipNorm: number): Promise<number> {
  const vars = model.trainableVariables();
  const { value, grads } = tf.variableGrads(() => model.loss(batch, tags), vars);
  const loss = (await value.data())[0];
  value.dispose();
  applyUpdate(optimizer, vars, grads, clipNorm);
  return loss;
}

/**
 * Gradients for every trainable variable, null where there is none. tfjs's Adam keeps its moment
 * slots by position in the map it is given, not by variable: a map that left out a variable
 * (a batch without hashtags) shifted every later slot onto the wrong variable (a crash when the
 * shapes differ, a silent mix-up when they agree) and the checkpoint's slots with them. With
 * every variable always present the positions never move, and a null gradient skips the update.
 */
export function everyVariable(vars: readonly tf.Variable[], grads: Record<string, tf.Tensor>): tf.NamedTensorMap {
  const out: Record<string, tf.Tensor | null> = {};
  for (const v of vars) out[v.name] = grads[v.name] ?? null;
  return out as tf.NamedTensorMap;
}
