import * as tf from '@tensorflow/tfjs-core';
import { blocksOf, dims, gruStep, tileBias, type Recurrence } from './gru-recurrence';

/**
 * The recurrence for when no gradient is being recorded (inference, evaluation): the same
 * numbers as the training recurrences, but each step runs in its own tf.tidy that keeps only
 * the new state, so memory beyond the input projections and the states themselves does not
 * grow with the number of steps. (The training recurrences must keep every step's gates for
 * the backward pass: a 2,000-token sentence in a batch of 64 took 4.2 GB that way, past
 * wasm's 4 GB heap.)
 *
 * Each step's input projections are read without copying xp: on wasm a slice copies the
 * whole source buffer out of the heap, so it gathers the step's rows instead (a native
 * kernel that reads only those rows); elsewhere a slice of consecutive rows is cheap (a view
 * on cpu, one small copy on the GPU).
 *
 * Shapes as `Recurrence`: xp [L, 3, D, N, H], U [3, D, H, H], bn [D, 1, H] → [L, D, N, H].
 */
export const leanRecurrence: Recurrence = (xp, U, bn) =>
  tf.tidy(() => {
    const { L, D, N, H } = dims(xp, U);
    const bnTiled = tileBias(bn, N);
    const Ub = blocksOf(U);
    const read = stepReader(xp, D, N, H);
    let h = tf.zeros([D, N, H]) as tf.Tensor3D;
    const states: tf.Tensor3D[] = new Array(L);
    for (let t = 0; t < L; t++) {
      const prev = h;
      h = tf.tidy(() => {
        const { xzr, xn } = read(t);
        return gruStep(xzr, xn, prev, Ub, bnTiled).h;
      });
      states[t] = h;
    }
    return tf.stack(states) as tf.Tensor4D;
  });

/** Step t's input projections: gates z, r [2, D, N, H] and gate n [D, N, H]. */
type StepReader = (t: number) => { xzr: tf.Tensor; xn: tf.Tensor };

function stepReader(xp: tf.Tensor, D: number, N: number, H: number): StepReader {
  const split = (xpt: tf.Tensor) => ({
    xzr: tf.reshape(tf.slice(xpt, [0, 0], [1, 2]), [2, D, N, H]),
    xn: tf.reshape(tf.slice(xpt, [0, 2], [1, 1]), [D, N, H]),
  });
  // The gather's own result is small, so slicing it further copies little.
  if (tf.getBackend() === 'wasm') return (t) => split(tf.gather(xp, tf.tensor1d([t], 'int32')));
  return (t) => split(tf.slice(xp, [t], [1]));
}

/**
 * Whether tfjs is recording operations for a gradient (inside tf.grad, tf.variableGrads,
 * optimizer.minimize). Only then must a recurrence keep its steps' intermediates; the
 * encoder's `training` flag is not the test, because gradients may be taken with dropout off.
 */
export function recordingGradients(): boolean {
  return tf.engine().state.gradientDepth > 0;
}
