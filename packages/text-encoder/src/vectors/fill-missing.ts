import { SeededRandom } from '@trimod/core';
import type { WordVectors } from './vector-collector';

/**
 * The embedding matrix [V, D] to start training from: found rows as loaded, rows without a
 * vector drawn from N(0, σ²) with σ the standard deviation of all found values (so they sit
 * on the same scale as the pretrained ones), the padding row zero. Seeded.
 * With no vector found at all, σ = 1/√D.
 */
export function fillMissingRows(vectors: WordVectors, seed: number, paddingIndex = 0): Float32Array {
  const { dim, found } = vectors;
  const out = Float32Array.from(vectors.vectors);
  let sum = 0;
  let sumSq = 0;
  let count = 0;
  for (let i = 0; i < found.length; i++) {
    if (!found[i]) continue;
    for (let j = 0; j < dim; j++) {
      const v = out[i * dim + j];
      sum += v;
      sumSq += v * v;
    }
    count += dim;
  }
  const mean = count ? sum / count : 0;
  const std = count > 1 ? Math.sqrt(Math.max(sumSq / count - mean * mean, 0)) : 1 / Math.sqrt(dim);
  const rng = new SeededRandom(seed);
  for (let i = 0; i < found.length; i++) {
    if (found[i]) continue;
    if (i === paddingIndex) {
      out.fill(0, i * dim, (i + 1) * dim);
      continue;
    }
    out.set(rng.normalArray(dim, std), i * dim);
  }
  return out;
}
