import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import type { TextEncoder } from '@trimod/text-encoder';
import { buildTriMod, train, TriMod } from '../src';
import { tinyPosts } from './toy/tiny-posts';

// A tiny data set in the Twitter format (test/toy/tiny-posts.ts).
const posts = tinyPosts();

let dir: string;

beforeAll(async () => {
  await initBackend('wasm');
  dir = mkdtempSync(path.join(tmpdir(), 'trimod-context-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a TriMod whose text encoder has a Transformer context', () => {
  it('is built by buildTriMod({ context: "transformer" }), trains (loss falls) and loads back with the same emissions', async () => {
    const model = await buildTriMod(posts, { embeddings: 'none', context: 'transformer', fusionDim: 16, seed: 4 });
    const text = model.text as TextEncoder;
    expect(text.getConfig()).toMatchObject({ context: 'transformer', transformerDim: 128, transformerLayers: 2 });
    expect(Object.keys(text.namedWeights())).toContain('transformer/1/query/kernel');
    expect(Object.keys(text.namedWeights()).some((name) => name.startsWith('wordGru/'))).toBe(false);

    const outDir = path.join(dir, 'run');
    const result = await train(model, { train: posts, dev: posts, outDir, epochs: 6, patience: 6, batchSize: 2, learningRate: 0.01, seed: 3 });
    const losses = result.state.history.map((h) => h.loss);
    expect(losses).toHaveLength(6);
    expect(losses[5]).toBeLessThan(0.7 * losses[0]);

    // Save the trained model and load it back: same config, same emissions, same tags.
    await result.model.save(path.join(dir, 'last'));
    const loaded = await TriMod.load(path.join(dir, 'last'));
    try {
      expect((loaded.text as TextEncoder).getConfig()).toEqual(text.getConfig());
      const batch = { tokens: posts.map((p) => p.tokens) };
      const before = tf.tidy(() => result.model.forward(batch, false).emissions.arraySync()).flat(2);
      const after = tf.tidy(() => loaded.forward(batch, false).emissions.arraySync()).flat(2);
      before.forEach((v, i) => expect(Math.abs(v - after[i])).toBeLessThan(1e-5));
      expect(await loaded.tagTokens(batch)).toEqual(await result.model.tagTokens(batch));
    } finally {
      loaded.dispose();
      result.model.dispose();
    }
  });

  it('keeps the word Bi-GRU (and its weight names) by default', async () => {
    const model = await buildTriMod(posts, { embeddings: 'none', wordHidden: 4, fusionDim: 8 });
    try {
      expect((model.text as TextEncoder).getConfig()).toMatchObject({ context: 'bigru', wordHidden: 4 });
      expect(Object.keys(model.text.namedWeights())).toContain('wordGru/kernel');
    } finally {
      model.dispose();
    }
  });
});
