import type { SeededRandom } from '@trimod/core';

/**
 * Random embedding rows from U(−√(3/D), √(3/D)) (unit variance per vector, the NCRF++ default),
 * with the padding row zero.
 */
export function randomEmbedding(rng: SeededRandom, rows: number, dim: number, paddingRow = 0): Float32Array {
  const values = rng.uniformArray(rows * dim, Math.sqrt(3 / dim));
  if (paddingRow >= 0 && paddingRow < rows) values.fill(0, paddingRow * dim, (paddingRow + 1) * dim);
  return values;
}
