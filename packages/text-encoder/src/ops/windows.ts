/**
 * Index plans for 1-D convolutions written as "gather windows, then one matMul", which works
 * (forward and backward) on every backend, unlike conv1d's filter gradient on wasm.
 */

/**
 * For sequences [N, L] with real lengths, the source row of each window slot, ordered
 * (n, t, k) for a window of `width` (odd) centred on t: row n·L + t + k − ⌊width/2⌋ when that
 * position is real, else `outside` (an index the caller maps to a zero row). Padding never
 * enters a real position's window, so padding cannot change real features.
 */
export function windowRows(lengths: ArrayLike<number>, steps: number, width: number, outside: number): Int32Array {
  if (width < 1 || width % 2 === 0) throw new Error(`windowRows: window width must be odd and ≥ 1, got ${width}`);
  const half = (width - 1) / 2;
  const N = lengths.length;
  const rows = new Int32Array(N * steps * width);
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < steps; t++) {
      for (let k = 0; k < width; k++) {
        const s = t + k - half;
        rows[(n * steps + t) * width + k] = s >= 0 && s < lengths[n] ? n * steps + s : outside;
      }
    }
  }
  return rows;
}

/**
 * As windowRows, but ordered (t, n, k) — position-major — so that what is computed per
 * position comes out as contiguous [N, ·] blocks (cheap leading-axis slices in tfjs).
 */
export function windowRowsByPosition(lengths: ArrayLike<number>, steps: number, width: number, outside: number): Int32Array {
  if (width < 1 || width % 2 === 0) throw new Error(`windowRowsByPosition: window width must be odd and ≥ 1, got ${width}`);
  const half = (width - 1) / 2;
  const N = lengths.length;
  const rows = new Int32Array(N * steps * width);
  for (let t = 0; t < steps; t++) {
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < width; k++) {
        const s = t + k - half;
        rows[(t * N + n) * width + k] = s >= 0 && s < lengths[n] ? n * steps + s : outside;
      }
    }
  }
  return rows;
}
