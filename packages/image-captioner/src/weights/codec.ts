import { decodeFloat16, encodeFloat16 } from '@trimod/core';
import {
  bytesPerElement,
  sizeOf,
  WEIGHTS_FORMAT,
  WEIGHTS_FORMAT_VERSION,
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

/** Packs named arrays into a manifest and one binary buffer. */
export function encodeWeights(
  arrays: NamedArray[],
  description: JsonObject,
  dtype: 'float32' | 'float16' = 'float16',
): { manifest: WeightsManifest; data: Uint8Array } {
  const weights: StoredWeight[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const a of arrays) {
    if (a.values.length !== sizeOf(a.shape)) {
      throw new Error(`weight "${a.name}": ${a.values.length} values do not fill shape [${a.shape.join(', ')}]`);
    }
    const stored: StoredDtype = a.values instanceof Int32Array ? 'int32' : dtype;
    let bytes: Uint8Array;
    if (stored === 'float16') {
      const half = encodeFloat16(a.values as Float32Array);
      bytes = new Uint8Array(half.buffer, half.byteOffset, half.byteLength);
    } else {
      bytes = new Uint8Array(a.values.buffer, a.values.byteOffset, a.values.byteLength);
    }
    // 4-byte alignment lets a reader view float32 / int32 data without copying.
    const pad = (4 - (bytes.byteLength % 4)) % 4;
    weights.push({ name: a.name, shape: a.shape, dtype: stored, offset });
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

/** Unpacks weights.bin into named float32 / int32 arrays. */
export function decodeWeights(manifest: WeightsManifest, data: Uint8Array, source: string): Map<string, NamedArray> {
  if (data.byteLength !== manifest.byteLength) {
    throw new Error(`${source}: weights.bin has ${data.byteLength} bytes, model.json expects ${manifest.byteLength} (truncated or mismatched download?)`);
  }
  const out = new Map<string, NamedArray>();
  for (const w of manifest.weights) {
    const n = sizeOf(w.shape);
    const end = w.offset + n * bytesPerElement(w.dtype);
    if (end > data.byteLength) throw new Error(`${source}: weight "${w.name}" runs past the end of weights.bin`);
    const slice = data.slice(w.offset, end); // copy: aligned and detached from the file buffer
    let values: Float32Array | Int32Array;
    if (w.dtype === 'float16') values = decodeFloat16(new Uint16Array(slice.buffer));
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
