import { decodeFloat16, encodeFloat16 } from '@trimod/core/artifacts';
import {
  sizeOf,
  storedBytes,
  WEIGHTS_FORMAT,
  WEIGHTS_FORMAT_VERSION,
  type SaveDtype,
  type StoredDtype,
  type StoredWeight,
  type WeightsManifest,
} from './format';
import type { JsonObject } from '@trimod/core';

/** A weight held as plain numbers (no tensor), so loading and saving never leak tensors. */
export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array | Int32Array;
}

/**
 * 8-bit codes per column of a matrix [..., C]: each column spans its own [min, max] in 255
 * steps, so a column of small weights keeps its precision beside one of large weights. The
 * largest error is half a step, (max - min) / 510 of that column.
 */
export function quantizeColumns(values: Float32Array, columns: number): Uint8Array {
  const rows = values.length / columns;
  const min = new Float32Array(columns).fill(Infinity);
  const max = new Float32Array(columns).fill(-Infinity);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const v = values[r * columns + c];
      if (v < min[c]) min[c] = v;
      if (v > max[c]) max[c] = v;
    }
  }
  const step = new Float32Array(columns);
  for (let c = 0; c < columns; c++) step[c] = max[c] > min[c] ? (max[c] - min[c]) / 255 : 0;
  const out = new Uint8Array(8 * columns + values.length);
  new Float32Array(out.buffer, 0, columns).set(min);
  new Float32Array(out.buffer, 4 * columns, columns).set(step);
  const codes = out.subarray(8 * columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const i = r * columns + c;
      codes[i] = step[c] === 0 ? 0 : Math.round((values[i] - min[c]) / step[c]);
    }
  }
  return out;
}

/** The inverse of `quantizeColumns` (bytes: the minima, the steps, the codes). */
export function dequantizeColumns(bytes: Uint8Array, columns: number): Float32Array {
  const copy = bytes.slice(0, 8 * columns); // aligned copies of the float32 header
  const min = new Float32Array(copy.buffer, 0, columns);
  const step = new Float32Array(copy.buffer, 4 * columns, columns);
  const codes = bytes.subarray(8 * columns);
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = i % columns;
    out[i] = min[c] + codes[i] * step[c];
  }
  return out;
}

/**
 * Packs named arrays into a manifest and one binary buffer. `uint8` stores matrices as 8-bit
 * codes per column (a quarter of float32, half of float16) and everything with one axis
 * (biases, statistics) as float16.
 */
export function encodeWeights(
  arrays: NamedArray[],
  description: JsonObject,
  dtype: SaveDtype = 'float16',
): { manifest: WeightsManifest; data: Uint8Array } {
  const weights: StoredWeight[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const a of arrays) {
    if (a.values.length !== sizeOf(a.shape)) {
      throw new Error(`weight "${a.name}": ${a.values.length} values do not fill shape [${a.shape.join(', ')}]`);
    }
    const stored: StoredDtype = a.values instanceof Int32Array ? 'int32' : dtype === 'uint8' && a.shape.length < 2 ? 'float16' : dtype;
    const columns = stored === 'uint8' ? a.shape[a.shape.length - 1] : undefined;
    let bytes: Uint8Array;
    if (stored === 'uint8') {
      bytes = quantizeColumns(a.values as Float32Array, columns!);
    } else if (stored === 'float16') {
      const half = encodeFloat16(a.values as Float32Array);
      bytes = new Uint8Array(half.buffer, half.byteOffset, half.byteLength);
    } else {
      bytes = new Uint8Array(a.values.buffer, a.values.byteOffset, a.values.byteLength);
    }
    // 4-byte alignment lets a reader view float32 / int32 data without copying.
    const pad = (4 - (bytes.byteLength % 4)) % 4;
    weights.push({ name: a.name, shape: a.shape, dtype: stored, offset, ...(columns === undefined ? {} : { columns }) });
    parts.push(bytes, new Uint8Array(pad));
    offset += bytes.byteLength + pad;
  }
  const data = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.byteLength;
  }
  return {
    manifest: { format: WEIGHTS_FORMAT, version: WEIGHTS_FORMAT_VERSION, description, weights, byteLength: offset },
    data,
  };
}

/** Checks a parsed model.json; `source` names the folder or URL in every error. */
export function parseManifest(json: unknown, source: string): WeightsManifest {
  const m = json as Partial<WeightsManifest> | null;
  if (m === null || typeof m !== 'object' || m.format !== WEIGHTS_FORMAT) {
    throw new Error(`${source}: model.json is not a ${WEIGHTS_FORMAT} file (format is ${JSON.stringify(m?.format)})`);
  }
  if (m.version !== WEIGHTS_FORMAT_VERSION) {
    throw new Error(`${source}: model.json has version ${m.version}; this package reads version ${WEIGHTS_FORMAT_VERSION}`);
  }
  if (!Array.isArray(m.weights) || typeof m.byteLength !== 'number' || m.description === undefined) {
    throw new Error(`${source}: model.json lacks weights, byteLength or description`);
  }
  return m as WeightsManifest;
}

/** Unpacks weights.bin into named float32 / int32 arrays (uint8 codes are expanded to float32). */
export function decodeWeights(manifest: WeightsManifest, data: Uint8Array, source: string): Map<string, NamedArray> {
  if (data.byteLength !== manifest.byteLength) {
    throw new Error(`${source}: weights.bin has ${data.byteLength} bytes, model.json expects ${manifest.byteLength} (truncated or mismatched download?)`);
  }
  const out = new Map<string, NamedArray>();
  for (const w of manifest.weights) {
    if (w.dtype === 'uint8' && !(Number.isInteger(w.columns) && w.columns! > 0 && w.columns === w.shape[w.shape.length - 1])) {
      throw new Error(`${source}: uint8 weight "${w.name}" needs its column count (the last axis of [${w.shape.join(', ')}]), got ${JSON.stringify(w.columns)}`);
    }
    const end = w.offset + storedBytes(w);
    if (end > data.byteLength) throw new Error(`${source}: weight "${w.name}" runs past the end of weights.bin`);
    const slice = data.slice(w.offset, end); // copy: aligned and detached from the file buffer
    let values: Float32Array | Int32Array;
    if (w.dtype === 'uint8') values = dequantizeColumns(slice, w.columns!);
    else if (w.dtype === 'float16') values = decodeFloat16(new Uint16Array(slice.buffer));
    else if (w.dtype === 'int32') values = new Int32Array(slice.buffer);
    else values = new Float32Array(slice.buffer);
    out.set(w.name, { name: w.name, shape: w.shape, values });
  }
  return out;
}

/** The weight or a clear error naming what is missing and what was found. */
export function requireWeight(weights: Map<string, NamedArray>, name: string, shape: number[], source: string): NamedArray {
  const w = weights.get(name);
  if (w === undefined) throw new Error(`${source}: weight "${name}" is missing`);
  if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`${source}: weight "${name}" has shape [${w.shape.join(', ')}], expected [${shape.join(', ')}]`);
  }
  return w;
}
