import { initBackend } from '@trimod/core';
import { buildVocabularies, TextEncoder } from '@trimod/text-encoder';
import { dataReaderProperties } from '../fuzz/data-reader.fuzz';
import { predictProperties } from '../fuzz/predict.fuzz';
import { TriMod } from '../src';

// The fuzz targets' properties with a few seeded inputs, so CI runs them; `npm run fuzz` at the
// repository root runs them with 10,000 inputs each and a new seed.
describe('data reader fuzz target (seeded, small)', () => {
  for (const p of dataReaderProperties) it(p.name, async () => {
    await p.run({ numRuns: 500, seed: 42 });
  });
});

describe('predict fuzz target (seeded, small)', () => {
  let model: TriMod;
  beforeAll(async () => {
    await initBackend('wasm');
    const { words, chars } = buildVocabularies([['Kawhi', 'Leonard', 'in', 'Toronto', '#NBA']]);
    const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 6, charDim: 4, charHidden: 3, wordHidden: 5, shapeDim: 2, seed: 3 });
    model = TriMod.create({ labels: ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'], text, fusion: { outputDim: 6, attentionDim: 3 }, captionMatchDim: 3, seed: 3 });
  });
  afterAll(() => model.dispose());
  it('runs every property', async () => {
    for (const p of predictProperties(model)) await p.run({ numRuns: 100, seed: 42 });
  });
});
