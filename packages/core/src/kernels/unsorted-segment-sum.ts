/**
 * UnsortedSegmentSum: `out[s, ...] = sum of x[i, ...] over every i with segmentIds[i] = s`.
 * It is the gradient of `tf.gather` (so of every embedding lookup). tfjs's wasm backend has no
 * such kernel and the cpu one builds a mask per segment (cost numSegments x N x D: seconds for a
 * 5,000-word vocabulary); this one is a single pass over x (cost N x D) shared by both backends.
 */
import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';

type NumericArray = Float32Array | Int32Array;

/** Output shape: `[numSegments, ...x.shape after the segmentIds dims]`. Throws on bad inputs. */
export function unsortedSegmentSumShape(xShape: readonly number[], idsShape: readonly number[], numSegments: number): number[] {
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`UnsortedSegmentSum: numSegments must be a non-negative integer, got ${numSegments}`);
  }
  if (idsShape.length > xShape.length || idsShape.some((d, i) => d !== xShape[i])) {
    throw new Error(
      `UnsortedSegmentSum: segmentIds shape [${idsShape}] must be a prefix of x shape [${xShape}]`,
    );
  }
  return [numSegments, ...xShape.slice(idsShape.length)];
}

/**
 * Adds each row of `x` (rows of `innerSize` values) into row `segmentIds[i]` of `out`, which the
 * caller has zeroed. Ids outside [0, numSegments) are dropped, as TensorFlow does.
 */
export function accumulateSegments(
  x: ArrayLike<number>,
  segmentIds: ArrayLike<number>,
  numSegments: number,
  innerSize: number,
  out: NumericArray,
): void {
  const n = segmentIds.length;
  for (let i = 0; i < n; i++) {
    const s = segmentIds[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * innerSize;
    const dst = s * innerSize;
    for (let k = 0; k < innerSize; k++) out[dst + k] += x[src + k];
  }
}

/** The output dtype for `xDtype`; only numbers can be summed. */
export function segmentSumDtype(xDtype: DataType): 'float32' | 'int32' {
  if (xDtype === 'float32' || xDtype === 'int32') return xDtype;
  throw new Error(`UnsortedSegmentSum: x must be float32 or int32, got ${xDtype}`);
}

/** Everything both backends need to know before touching memory. */
export interface SegmentSumPlan {
  outShape: number[];
  dtype: 'float32' | 'int32';
  numIds: number;
  innerSize: number;
  numSegments: number;
}

export function planSegmentSum(x: TensorInfo, segmentIds: TensorInfo, numSegments: number): SegmentSumPlan {
  const outShape = unsortedSegmentSumShape(x.shape, segmentIds.shape, numSegments);
  const numIds = util.sizeFromShape(segmentIds.shape);
  return {
    outShape,
    dtype: segmentSumDtype(x.dtype),
    numIds,
    innerSize: numIds === 0 ? 0 : util.sizeFromShape(x.shape) / numIds,
    numSegments,
  };
}
