/**
 * The `uint8-column` storage type: 8-bit codes per column of a matrix [..., C]. Each column
 * spans its own [min, max] in 255 steps, so a column of small weights keeps its precision beside
 * one of large weights; the largest error is half a step, (max - min) / 510 of that column. The
 * stored bytes: each column's minimum (float32), each column's step (float32), then one code per
 * value, row-major: value = min[column] + code * step[column]. A quarter of float32's size, half
 * of float16's (the shipped caption decoder is stored this way: BLEU unchanged, see its README).
 */

/** Encodes float32 values of a matrix with `columns` columns (its last axis). */
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
