/**
 * Block copies for slicing and transposing row-major tensors. tfjs-backend-cpu's Slice (for any
 * slice that is not one contiguous range) and Transpose map every element through index
 * arrays; in a Bi-GRU step (unstack over time, split into gates) that was most of the step.
 * These copy whole contiguous runs instead.
 */

/** Values of a cpu tensor: typed arrays for numbers, arrays of encoded bytes for strings. */
export type FlatValues = { length: number; [i: number]: unknown };

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

function copyRun(src: FlatValues, from: number, dst: FlatValues, to: number, length: number): void {
  if (ArrayBuffer.isView(src) && ArrayBuffer.isView(dst)) {
    const s = src as unknown as Float32Array;
    (dst as unknown as Float32Array).set(s.subarray(from, from + length), to);
  } else {
    for (let k = 0; k < length; k++) dst[to + k] = src[from + k];
  }
}

/**
 * Copies the box `begin`..`begin + size` of `src` (row-major, `shape`) into `dst` from
 * `dstOffset` on. Axes after the last partially-covered one form contiguous runs.
 */
export function copySlice(
  src: FlatValues,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  dst: FlatValues,
  dstOffset = 0,
): void {
  const rank = shape.length;
  if (size.some((d) => d === 0)) return;
  // The run: the last axis whose extent is cut, times everything after it.
  let k = rank - 1;
  while (k > 0 && size[k] === shape[k]) k--;
  const strides = stridesOf(shape);
  const run = rank === 0 ? 1 : size[k] * strides[k];
  let base = 0;
  for (let d = 0; d < rank; d++) base += begin[d] * strides[d];
  // Odometer over the axes before k.
  const counter = new Array<number>(Math.max(k, 0)).fill(0);
  let out = dstOffset;
  let from = base;
  for (;;) {
    copyRun(src, from, dst, out, run);
    out += run;
    let d = k - 1;
    while (d >= 0) {
      counter[d]++;
      from += strides[d];
      if (counter[d] < size[d]) break;
      from -= counter[d] * strides[d];
      counter[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}

/** True when the box is a single contiguous range of `shape`'s values. */
export function isContiguousSlice(shape: readonly number[], begin: readonly number[], size: readonly number[]): boolean {
  let k = shape.length - 1;
  while (k > 0 && size[k] === shape[k]) k--;
  for (let d = 0; d < k; d++) if (size[d] !== 1) return false;
  return true;
}

/** Flat offset of `begin` in a row-major `shape`. */
export function flatOffset(shape: readonly number[], begin: readonly number[]): number {
  const strides = stridesOf(shape);
  return begin.reduce((sum, b, d) => sum + b * strides[d], 0);
}

/**
 * Writes `src` (row-major, `shape`) transposed by `perm` into `dst`: dst axis i is src axis
 * perm[i]. Trailing axes that keep their order are copied as runs.
 */
export function copyTransposed(src: FlatValues, shape: readonly number[], perm: readonly number[], dst: FlatValues): void {
  const rank = shape.length;
  const total = shape.reduce((a, b) => a * b, 1);
  if (total === 0) return;
  // Longest suffix of perm that is the identity on the same trailing axes: copied as one run.
  let keep = rank;
  while (keep > 0 && perm[keep - 1] === keep - 1) keep--;
  if (keep === 0) {
    copyRun(src, 0, dst, 0, total);
    return;
  }
  const srcStrides = stridesOf(shape);
  const run = keep === rank ? 1 : srcStrides[keep - 1];
  const outShape = perm.slice(0, keep).map((p) => shape[p]);
  const step = perm.slice(0, keep).map((p) => srcStrides[p]);
  const counter = new Array<number>(keep).fill(0);
  let from = 0;
  let out = 0;
  const last = keep - 1;
  for (;;) {
    if (run === 1) {
      // Innermost output axis walks the source with a fixed stride.
      const n = outShape[last];
      const s = step[last];
      for (let i = 0, f = from; i < n; i++, f += s) dst[out + i] = src[f];
      out += n;
      counter[last] = n - 1;
      from += (n - 1) * s;
    } else {
      copyRun(src, from, dst, out, run);
      out += run;
    }
    let d = last;
    while (d >= 0) {
      counter[d]++;
      from += step[d];
      if (counter[d] < outShape[d]) break;
      from -= counter[d] * step[d];
      counter[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}
