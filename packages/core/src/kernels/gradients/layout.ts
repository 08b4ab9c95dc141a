/** Gradients of kernels that only move values around: reshape, transpose, slice, concat, tile, ... */
import * as tf from '@tensorflow/tfjs-core';
import { allDys, type GradientMap, indexedGradients } from './helpers';

/** The permutation that undoes `perm`. */
function inversePermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return inv;
}

const reshapeGrad: tf.GradConfig = {
  kernelName: tf.Reshape,
  inputsToSave: ['x'],
  gradFunc: (dy, saved): GradientMap => ({ x: () => tf.reshape(dy as tf.Tensor, saved[0].shape) }),
};

const expandDimsGrad: tf.GradConfig = {
  kernelName: tf.ExpandDims,
  inputsToSave: ['input'],
  gradFunc: (dy, saved): GradientMap => ({ input: () => tf.reshape(dy as tf.Tensor, saved[0].shape) }),
};

const transposeGrad: tf.GradConfig = {
  kernelName: tf.Transpose,
  gradFunc: (dy, _saved, attrs): GradientMap => ({
    x: () => tf.transpose(dy as tf.Tensor, inversePermutation(attrs.perm as number[])),
  }),
};

const reverseGrad: tf.GradConfig = {
  kernelName: tf.Reverse,
  gradFunc: (dy, _saved, attrs): GradientMap => ({ x: () => tf.reverse(dy as tf.Tensor, attrs.dims as number[]) }),
};

/** A slice's gradient is dy placed back where the slice came from, zeros elsewhere. */
const sliceGrad: tf.GradConfig = {
  kernelName: tf.Slice,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs): GradientMap => {
    const [x] = saved;
    const [begin, size] = tf.slice_util.parseSliceParams(x, attrs.begin as number[], attrs.size as number[]);
    const paddings = x.shape.map((d, i) => [begin[i], d - begin[i] - size[i]] as [number, number]);
    return { x: () => tf.pad(dy as tf.Tensor, paddings) };
  },
};

const padGrad: tf.GradConfig = {
  kernelName: tf.PadV2,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs): GradientMap => {
    const begin = (attrs.paddings as Array<[number, number]>).map((p) => p[0]);
    return { x: () => tf.slice(dy as tf.Tensor, begin, saved[0].shape) };
  },
};

const concatGrad: tf.GradConfig = {
  kernelName: tf.Concat,
  saveAllInputs: true,
  gradFunc: (dy, saved, attrs): GradientMap => {
    const axis = tf.util.parseAxisParam(attrs.axis as number, saved[0].shape)[0];
    const sizes = saved.map((t) => t.shape[axis]);
    return indexedGradients(tf.split(dy as tf.Tensor, sizes, axis));
  },
};

const splitGrad: tf.GradConfig = {
  kernelName: tf.SplitV,
  gradFunc: (dy, _saved, attrs): GradientMap => ({ x: () => tf.concat(allDys(dy), attrs.axis as number) }),
};

const packGrad: tf.GradConfig = {
  kernelName: tf.Pack,
  saveAllInputs: true,
  gradFunc: (dy, _saved, attrs): GradientMap => indexedGradients(tf.unstack(dy as tf.Tensor, attrs.axis as number)),
};

const unpackGrad: tf.GradConfig = {
  kernelName: tf.Unpack,
  gradFunc: (dy, _saved, attrs): GradientMap => ({ value: () => tf.stack(allDys(dy), attrs.axis as number) }),
};

/**
 * Tile repeats x `reps[i]` times along axis i, so viewing dy as [reps0, s0, reps1, s1, ...] and
 * summing the reps axes adds every copy's gradient back onto x (any rank, one sum).
 */
const tileGrad: tf.GradConfig = {
  kernelName: tf.Tile,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs): GradientMap => {
    const [x] = saved;
    const reps = attrs.reps as number[];
    return {
      x: () => {
        const split = x.shape.flatMap((s, i) => [reps[i], s]);
        const repAxes = x.shape.map((_, i) => 2 * i);
        return tf.reshape(tf.sum(tf.reshape(dy as tf.Tensor, split), repAxes), x.shape);
      },
    };
  },
};

export const layoutGradients: tf.GradConfig[] = [
  reshapeGrad,
  expandDimsGrad,
  transposeGrad,
  reverseGrad,
  sliceGrad,
  padGrad,
  concatGrad,
  splitGrad,
  packGrad,
  unpackGrad,
  tileGrad,
];
