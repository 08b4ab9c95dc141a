/** Gradients of gather, select (where), top-k and one-hot. */
import * as tf from '@tensorflow/tfjs-core';
import { allDys, type GradientMap, zerosFor } from './helpers';

const prod = (dims: readonly number[]) => dims.reduce((n, d) => n * d, 1);

/**
 * gather(x, indices, axis, batchDims). With x: [...batch, ...outer, N, ...inner] and
 * dy: [...batch, ...outer, ...idx, ...inner], every dy row lands on x row indices[...] of its own
 * batch. Batch items are made disjoint by offsetting their ids by b * N, so one
 * UnsortedSegmentSum (the kernel registered beside this file) does the whole scatter-add. For an
 * embedding lookup (axis 0, no batch dims) there is no transpose at all.
 */
export function gatherGradient(x: tf.Tensor, indices: tf.Tensor, dy: tf.Tensor, axis: number, batchDims: number): tf.Tensor {
  const n = x.shape[axis];
  const batch = prod(x.shape.slice(0, batchDims));
  const outer = prod(x.shape.slice(batchDims, axis));
  const inner = prod(x.shape.slice(axis + 1));
  const numIdx = prod(indices.shape.slice(batchDims));
  return tf.tidy(() => {
    let rows = tf.reshape(dy, [batch, outer, numIdx, inner]);
    if (outer > 1) rows = tf.transpose(rows, [0, 2, 1, 3]);
    rows = tf.reshape(rows, [batch * numIdx, outer * inner]);
    let ids = tf.reshape(tf.cast(indices, 'int32'), [batch, numIdx]);
    if (batch > 1) ids = tf.add(ids, tf.reshape(tf.mul(tf.range(0, batch, 1, 'int32'), tf.scalar(n, 'int32')), [batch, 1]));
    const summed = tf.unsortedSegmentSum(rows, tf.reshape(ids, [batch * numIdx]), batch * n);
    let grad = tf.reshape(summed, [batch, n, outer, inner]);
    if (outer > 1) grad = tf.transpose(grad, [0, 2, 1, 3]);
    return tf.reshape(grad, x.shape);
  });
}

const gatherGrad: tf.GradConfig = {
  kernelName: tf.GatherV2,
  inputsToSave: ['x', 'indices'],
  gradFunc: (dy, saved, attrs): GradientMap => {
    const [x, indices] = saved;
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const batchDims = (attrs.batchDims as number | undefined) ?? 0;
    return {
      x: () => gatherGradient(x, indices, dy as tf.Tensor, axis, batchDims),
      indices: () => zerosFor(indices),
    };
  },
};

/** where(condition, t, e): the gradient goes to t where condition holds, to e elsewhere. */
const selectGrad: tf.GradConfig = {
  kernelName: tf.Select,
  inputsToSave: ['condition'],
  gradFunc: (dy, saved): GradientMap => {
    const [condition] = saved;
    const g = dy as tf.Tensor;
    // A rank-1 condition picks whole rows; give it trailing unit axes so it broadcasts over dy.
    const cond = condition.rank < g.rank ? tf.reshape(condition, [...condition.shape, ...new Array(g.rank - condition.rank).fill(1)]) : condition;
    return {
      condition: () => zerosFor(condition),
      t: () => tf.mul(g, tf.cast(cond, 'float32')),
      e: () => tf.mul(g, tf.cast(tf.logicalNot(cond), 'float32')),
    };
  },
};

/**
 * top-k values: each dy value goes back to the position its index names: one-hot the indices
 * over the last axis ([..., k, n]), weight by dy ([..., k, 1]) and sum over k.
 */
const topKGrad: tf.GradConfig = {
  kernelName: tf.TopK,
  inputsToSave: ['x'],
  outputsToSave: [false, true],
  gradFunc: (dy, saved): GradientMap => {
    const [x, indices] = saved;
    const [dValues] = allDys(dy);
    const n = x.shape[x.rank - 1];
    return {
      // int32 one-hot then cast: tfjs-backend-wasm's own OneHot ignores a float32 dtype.
      x: () => tf.sum(tf.mul(tf.cast(tf.oneHot(indices, n), 'float32'), tf.expandDims(dValues, -1)), -2),
    };
  },
};

const oneHotGrad: tf.GradConfig = {
  kernelName: tf.OneHot,
  inputsToSave: ['indices'],
  gradFunc: (_dy, saved): GradientMap => ({ indices: () => zerosFor(saved[0]) }),
};

export const indexingGradients: tf.GradConfig[] = [gatherGrad, selectGrad, topKGrad, oneHotGrad];
