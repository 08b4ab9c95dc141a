/**
 * The captioner's own weight folder: `model.json` (a plain JSON description plus a weight
 * manifest) and one `weights.bin`. Kept separate from @trimod/core's artifacts because the
 * backbone is not a trainable module: it is a fixed graph of tfjs-core ops with frozen weights.
 */
import type { JsonObject } from '@trimod/core';

export const WEIGHTS_FORMAT = 'trimod-captioner-weights';
export const WEIGHTS_FORMAT_VERSION = 1;

export type StoredDtype = 'float32' | 'float16' | 'int32';

export interface StoredWeight {
  name: string;
  shape: number[];
  dtype: StoredDtype;
  /** Byte offset of this weight inside weights.bin. */
  offset: number;
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

export function bytesPerElement(dtype: StoredDtype): number {
  return dtype === 'float16' ? 2 : 4;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
