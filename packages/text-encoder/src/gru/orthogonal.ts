import type { SeededRandom } from '@trimod/core';

/**
 * A seeded random orthogonal matrix [n, n] (row-major), from Gram–Schmidt on the columns of a
 * Gaussian matrix (QR with a positive R diagonal, which makes it Haar-distributed). Orthogonal
 * recurrent weights keep a GRU's state from exploding or vanishing early in training.
 */
export function orthogonalMatrix(rng: SeededRandom, n: number): Float32Array {
  // Building a model to load its weights: no values needed, and Gram–Schmidt is O(n³).
  if (!rng.drawsInitialValues) {
    rng.skip(2 * n * n);
    return new Float32Array(n * n);
  }
  const cols: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = rng.normal();
    // Modified Gram–Schmidt: remove the components along earlier columns one at a time.
    for (const q of cols) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i] * v[i];
      for (let i = 0; i < n; i++) v[i] -= dot * q[i];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (norm < 1e-10) {
      // A (practically impossible) degenerate draw: start this column again.
      j--;
      continue;
    }
    for (let i = 0; i < n; i++) v[i] /= norm;
    cols.push(v);
  }
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = cols[j][i];
  return out;
}
