import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModule } from '@trimod/core';
import '../src';
import { encodeToArrays, POSTS, type TextModality } from './encoder-fixtures';
import { useCpuBackend } from './setup-backend';

beforeAll(useCpuBackend);

/**
 * Models saved before TextEncoder became "token embedder + context encoder" (fixtures written by
 * that code: a TextEncoder and a CharCnnEncoder, seed 5, with their features on POSTS) must load
 * under their old weight names and configs and give the same features.
 */
const FIXTURES = join(__dirname, 'fixtures', 'saved-before-context');

describe.each([
  ['text', 'TextEncoder', ['wordEmbedding', 'charEmbedding', 'shapeEmbedding', 'charGru/kernel', 'wordGru/recurrentKernel']],
  ['cnn', 'CharCnnEncoder', ['wordEmbedding', 'charEmbedding', 'shapeEmbedding', 'charCnn/kernel', 'wordCnn/bias']],
])('a %s model saved before the split', (folder, className, someWeights) => {
  it(`loads as ${className} with its weight names and gives the same features`, async () => {
    const expected = JSON.parse(readFileSync(join(FIXTURES, 'features.json'), 'utf8'))[folder] as number[][][];
    const savedConfig = JSON.parse(readFileSync(join(FIXTURES, folder, 'model.json'), 'utf8'));
    const encoder = await loadModule<TextModality>(join(FIXTURES, folder));
    try {
      expect(encoder.className).toBe(className);
      expect(Object.keys(encoder.namedWeights())).toEqual(expect.arrayContaining(someWeights));
      const got = encodeToArrays(encoder, POSTS).features.flat(2);
      const want = expected.flat(2);
      expect(got).toHaveLength(want.length);
      got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-6));
      // Its config keeps every saved setting (TextEncoder adds chars / context with their
      // defaults; CharCnnEncoder's is unchanged), so a re-save describes the same model.
      expect(encoder.getConfig()).toMatchObject(savedConfig.config);
      if (className === 'CharCnnEncoder') expect(encoder.getConfig()).toEqual(savedConfig.config);
    } finally {
      for (const v of Object.values(encoder.namedWeights())) v.dispose();
    }
  });
});
