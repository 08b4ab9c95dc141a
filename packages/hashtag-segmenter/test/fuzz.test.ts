import { initBackend } from '@trimod/core';
import { loadSegmenter } from '../src/load';
import type { HashtagSegmenter } from '../src/segmenter';
import { segmentProperties } from '../fuzz/segment.fuzz';

// The fuzz target's properties with a few seeded inputs, so CI runs them; `npm run fuzz` at the
// repository root runs them with 10,000 inputs each and a new seed.
let segmenter: HashtagSegmenter;
beforeAll(async () => {
  await initBackend('wasm');
  segmenter = await loadSegmenter();
});
afterAll(() => segmenter.dispose());

describe('segment fuzz target (seeded, small)', () => {
  it('runs every property', async () => {
    for (const p of segmentProperties(segmenter)) await p.run({ numRuns: 100, seed: 42 });
  });
});
