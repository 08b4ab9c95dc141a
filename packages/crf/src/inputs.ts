import type { Tensor } from '@tensorflow/tfjs-core';
import type { MaskInput, TagsInput } from './types';

/** Sizes of one call's batch. `lengths[b]` is the number of real tokens in row b. */
export interface BatchShape {
  batch: number;
  steps: number;
  lengths: number[];
  /** The longest row: steps past it are padding in every row and are skipped. */
  maxLength: number;
  /** The shortest row: steps before it are real in every row, so need no masking. */
  minLength: number;
}

function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && 'shape' in value && 'dtype' in value && 'dataId' in value;
}

/** Checks emissions `[B, T, K]` (float32, K = numTags, B and T at least 1); returns B and T. */
export function checkEmissions(emissions: Tensor, numTags: number, fn: string): { batch: number; steps: number } {
  if (!isTensor(emissions)) throw new Error(`${fn}: emissions must be a tf.Tensor [B, T, ${numTags}]`);
  if (emissions.rank !== 3) {
    throw new Error(`${fn}: emissions must have shape [B, T, ${numTags}], got [${emissions.shape.join(', ')}]`);
  }
  const [batch, steps, tags] = emissions.shape as [number, number, number];
  if (tags !== numTags) {
    throw new Error(`${fn}: emissions have ${tags} scores per token but the CRF has numTags = ${numTags} (shape [${emissions.shape.join(', ')}])`);
  }
  if (emissions.dtype !== 'float32') throw new Error(`${fn}: emissions must be float32, got ${emissions.dtype}`);
  if (batch === 0) throw new Error(`${fn}: emissions hold an empty batch (B = 0)`);
  if (steps === 0) throw new Error(`${fn}: emissions have no time steps (T = 0)`);
  return { batch, steps };
}

function checkMatrixShape(value: Tensor | ReadonlyArray<ReadonlyArray<unknown>>, name: string, batch: number, steps: number, fn: string): void {
  if (isTensor(value)) {
    if (value.rank !== 2 || value.shape[0] !== batch || value.shape[1] !== steps) {
      throw new Error(`${fn}: ${name} must have shape [B, T] = [${batch}, ${steps}] like emissions, got [${value.shape.join(', ')}]`);
    }
    return;
  }
  if (!Array.isArray(value) || value.length !== batch) {
    throw new Error(`${fn}: ${name} must be a tensor or ${batch} rows (B = ${batch}), got ${Array.isArray(value) ? `${value.length} rows` : typeof value}`);
  }
  value.forEach((row, b) => {
    if (!Array.isArray(row) || row.length !== steps) {
      throw new Error(`${fn}: ${name} row ${b} must have ${steps} entries (T = ${steps}), got ${Array.isArray(row) ? row.length : typeof row}`);
    }
  });
}

function flatten<V>(rows: ReadonlyArray<ReadonlyArray<V>>): V[] {
  const out: V[] = [];
  for (const row of rows) for (const v of row) out.push(v);
  return out;
}

/** Row lengths from flat mask values `[B * T]`; throws naming the first bad row. */
export function lengthsFromMaskValues(values: ArrayLike<number | boolean>, batch: number, steps: number, fn: string): BatchShape {
  const lengths: number[] = [];
  for (let b = 0; b < batch; b++) {
    let length = 0;
    for (let t = 0; t < steps; t++) {
      const raw = values[b * steps + t];
      const v = typeof raw === 'boolean' ? Number(raw) : raw;
      if (v !== 0 && v !== 1) throw new Error(`${fn}: mask row ${b} has value ${raw} at position ${t}; a mask holds only 0/1 (or booleans)`);
      if (v === 1) {
        if (length !== t) {
          throw new Error(`${fn}: mask row ${b} is not a prefix of ones: position ${t} is 1 after padding at position ${length}`);
        }
        length++;
      }
    }
    if (length === 0) throw new Error(`${fn}: mask row ${b} has no token; every sequence needs at least one`);
    lengths.push(length);
  }
  return { batch, steps, lengths, maxLength: Math.max(...lengths), minLength: Math.min(...lengths) };
}

function fullLengths(batch: number, steps: number): BatchShape {
  return { batch, steps, lengths: new Array<number>(batch).fill(steps), maxLength: steps, minLength: steps };
}

/** Reads and checks the mask synchronously (`dataSync`; fine on cpu and wasm). No mask: every token is real. */
export function readMaskSync(mask: MaskInput | null | undefined, batch: number, steps: number, fn: string): BatchShape {
  if (mask == null) return fullLengths(batch, steps);
  checkMatrixShape(mask, 'mask', batch, steps, fn);
  const values = isTensor(mask) ? mask.dataSync() : flatten(mask);
  return lengthsFromMaskValues(values as ArrayLike<number | boolean>, batch, steps, fn);
}

/** Reads and checks the mask with `await data()`, which backends such as webgpu need. */
export async function readMask(mask: MaskInput | null | undefined, batch: number, steps: number, fn: string): Promise<BatchShape> {
  if (mask == null) return fullLengths(batch, steps);
  checkMatrixShape(mask, 'mask', batch, steps, fn);
  const values = isTensor(mask) ? await mask.data() : flatten(mask);
  return lengthsFromMaskValues(values as ArrayLike<number | boolean>, batch, steps, fn);
}

/**
 * Reads gold tags `[B, T]` synchronously and checks that every real token's tag is an integer in
 * [0, numTags). Padding positions may hold anything; they come back as 0.
 */
export function readTagsSync(tags: TagsInput, shape: BatchShape, numTags: number, fn: string): Int32Array {
  const { batch, steps, lengths } = shape;
  checkMatrixShape(tags, 'tags', batch, steps, fn);
  const values: ArrayLike<number> = isTensor(tags) ? (tags.dataSync() as ArrayLike<number>) : flatten(tags);
  const out = new Int32Array(batch * steps);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < lengths[b]; t++) {
      const v = values[b * steps + t];
      if (!Number.isInteger(v) || v < 0 || v >= numTags) {
        throw new Error(`${fn}: tags row ${b} position ${t} is ${v}; tags must be integers in [0, ${numTags})`);
      }
      out[b * steps + t] = v;
    }
  }
  return out;
}
