/**
 * The captioner's own weight folder: `model.json` (a plain JSON description plus a weight
 * manifest) and one `weights.bin`. Kept separate from @trimod/core's artifacts because the
 * backbone is not a trainable module: it is a fixed graph of tfjs-core ops with frozen weights.
 */
import type { JsonObject } from '@trimod/core';

export const WEIGHTS_FORMAT = 'trimod-captioner-weights';
export const WEIGHTS_FORMAT_VERSION = 1;

export type StoredDtype = 'float32' | 'float16' | 'int32' | 'uint8';

/** How a weight folder stores its float weights: uint8 applies to matrices only (see codec.ts). */
export type SaveDtype = 'float32' | 'float16' | 'uint8';

export interface StoredWeight {
  name: string;
  shape: number[];
  dtype: StoredDtype;
  /** Byte offset of this weight inside weights.bin. */
  offset: number;
  /**
   * uint8 only: the number of columns (the last axis). weights.bin then holds, from `offset`,
   * each column's minimum (float32), each column's step (float32), then the codes, one byte per
   * value: value = min[column] + code * step[column].
   */
  columns?: number;
}

export interface WeightsManifest {
  format: typeof WEIGHTS_FORMAT;
  version: number;
  /** What the weights are for (backbone graph, decoder config, vocabulary, ...). */
  description: JsonObject;
  weights: StoredWeight[];
  /** Total size of weights.bin, checked on load so a truncated download is caught. */
  byteLength: number;
}

/** Bytes a stored weight takes in weights.bin (before alignment padding). */
export function storedBytes(w: Pick<StoredWeight, 'dtype' | 'shape' | 'columns'>): number {
  const n = sizeOf(w.shape);
  if (w.dtype === 'uint8') return 8 * (w.columns ?? 0) + n;
  return n * (w.dtype === 'float16' ? 2 : 4);
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
