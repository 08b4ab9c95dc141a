import { SeededRandom } from '@trimod/core';

/**
 * A reproducible test image in [0, 1], [1, size, size, 3] row-major: smooth gradients plus
 * seeded noise, so every channel and region of the backbone sees non-trivial input. Shared by
 * training/captioner/scripts/extract-backbone.ts (which records the tfjs-layers output for it) and the tests.
 */
export function referenceImage(size: number, seed: number): Float32Array {
  const rng = new SeededRandom(seed);
  const out = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        const wave = 0.5 + 0.4 * Math.sin((x * (c + 1)) / 17 + (y * (3 - c)) / 23);
        const v = wave + 0.2 * (rng.random() - 0.5);
        out[(y * size + x) * 3 + c] = Math.min(1, Math.max(0, v));
      }
    }
  }
  return out;
}
