import { ArtifactError } from './errors';
import { decodeFloat16 } from './float16';
import { formatShape, storedByteLength, type StoredDtype, type WeightSpec } from './format';
import { dequantizeColumns } from './uint8-columns';

/** A weight's values on the host, as it loads (float16 and uint8-column storage come back as float32). */
export interface WeightValues {
  shape: number[];
  dtype: StoredDtype;
  values: Float32Array | Int32Array | Uint8Array;
}

/**
 * Decodes one weight group's bytes (its shards joined) into host arrays, without tensors: a
 * caller that builds its own tensors (or none) needs no tfjs backend for this. float16 decodes
 * exactly as tfjs's decodeWeights does (every half value is a float32; a test compares all 65,536).
 */
export function decodeWeightValues(bytes: Uint8Array, specs: readonly WeightSpec[], source: string): Record<string, WeightValues> {
  const out: Record<string, WeightValues> = {};
  let offset = 0;
  for (const spec of specs) {
    const end = offset + storedByteLength(spec);
    if (end > bytes.byteLength) {
      throw new ArtifactError('bad-format', source, `${source}: weight "${spec.name}" ${formatShape(spec.shape)} runs past the end of its shards`);
    }
    // A copy: aligned for the typed-array views below, and detached from the shard's buffer.
    const slice = bytes.slice(offset, end);
    offset = end;
    const q = spec.quantization?.dtype;
    let values: WeightValues['values'];
    if (q === 'uint8-column') values = dequantizeColumns(slice, spec.shape[spec.shape.length - 1]);
    else if (q === 'float16') values = decodeFloat16(new Uint16Array(slice.buffer));
    else if (spec.dtype === 'int32') values = new Int32Array(slice.buffer);
    else if (spec.dtype === 'bool') values = slice;
    else values = new Float32Array(slice.buffer);
    out[spec.name] = { shape: [...spec.shape], dtype: spec.dtype, values };
  }
  return out;
}
