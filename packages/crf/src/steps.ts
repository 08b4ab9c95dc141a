import * as tf from '@tensorflow/tfjs-core';
import type { BatchShape } from './inputs';

/**
 * The CRF's score tables as tensors, with any constraint penalties already added.
 * transitions `[K, K]` (from, to), start `[K]`, end `[K]`.
 */
export interface CrfScores {
  transitions: tf.Tensor2D;
  start: tf.Tensor1D;
  end: tf.Tensor1D;
}

/**
 * Emissions `[B, T', K]` without the trailing steps that are padding in every row
 * (T' = maxLength): they change nothing and would only cost time.
 */
export function usedEmissions(emissions: tf.Tensor3D, shape: BatchShape): tf.Tensor3D {
  return shape.maxLength < shape.steps ? tf.slice(emissions, [0, 0, 0], [-1, shape.maxLength, -1]) : emissions;
}

/** Per-step emissions: `T'` tensors `[B, K]` (see `usedEmissions`). */
export function emissionSteps(emissions: tf.Tensor3D, shape: BatchShape): tf.Tensor2D[] {
  return tf.unstack(usedEmissions(emissions, shape), 1) as tf.Tensor2D[];
}

/**
 * Per-step masks: entry t is a bool tensor `[B, ...inner]` saying which rows still have a token
 * at step t, or null when every row does (t < minLength), so the caller can skip the `where`.
 * Built from the row lengths already read in JS, so no tensor data is read here.
 */
export function stepMasks(shape: BatchShape, inner: number[]): (tf.Tensor | null)[] {
  const width = inner.reduce((a, b) => a * b, 1);
  const masks: (tf.Tensor | null)[] = [];
  for (let t = 0; t < shape.maxLength; t++) {
    if (t < shape.minLength) {
      masks.push(null);
      continue;
    }
    const data = new Uint8Array(shape.batch * width);
    shape.lengths.forEach((length, b) => {
      if (t < length) data.fill(1, b * width, (b + 1) * width);
    });
    masks.push(tf.tensor(data, [shape.batch, ...inner], 'bool'));
  }
  return masks;
}

/** Float mask `[B, steps, 1]` (1 for real tokens), to zero padding in outputs; steps defaults to T. */
export function tokenMask3d(shape: BatchShape, steps = shape.steps): tf.Tensor3D {
  const data = new Float32Array(shape.batch * steps);
  shape.lengths.forEach((length, b) => data.fill(1, b * steps, b * steps + Math.min(length, steps)));
  return tf.tensor3d(data, [shape.batch, steps, 1]);
}
