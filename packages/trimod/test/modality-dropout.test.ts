import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { buildVocabularies, TextEncoder } from '@trimod/text-encoder';
import { TriMod } from '../src';

beforeAll(async () => {
  await initBackend('wasm');
});

/** A tiny caption-match TriMod with every other dropout off, so training mode differs only by modality dropout. */
function model(modalityDropout: number): TriMod {
  const { words, chars } = buildVocabularies([['Kentucky', 'wins']]);
  const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 4, charDim: 3, charHidden: 2, wordHidden: 3, shapeDim: 2, wordDropout: 0, charDropout: 0, seed: 1 });
  return TriMod.create({ labels: ['O', 'B-LOC', 'I-LOC'], text, fusion: { outputDim: 4, attentionDim: 3 }, captionMatchDim: 5, dropout: 0, modalityDropout, seed: 1 });
}

describe('TriMod modalityDropout', () => {
  it('hides the caption from the caption-match feature for about that share of posts in training only', () => {
    const m = model(0.4);
    const B = 300;
    const tokens = Array.from({ length: B }, () => ['Kentucky', 'wins']);
    const row = (captions: (string | null)[], training: boolean) => tf.tidy(() => m.forward({ tokens, captions }, training).emissions.arraySync());
    const withCaption = row(['kentucky game'], false)[0][0];
    const without = row([null], false)[0][0];
    const trained = row(Array<string>(B).fill('kentucky game'), true);
    let hidden = 0;
    for (const post of trained) {
      // Each post sees either its caption or none: the emissions equal one of the two exactly.
      const sees = post[0].every((v, k) => Math.abs(v - withCaption[k]) < 1e-5);
      const blind = post[0].every((v, k) => Math.abs(v - without[k]) < 1e-5);
      expect(sees !== blind).toBe(true);
      if (blind) hidden++;
    }
    expect(hidden).toBeGreaterThan(0.4 * B - 45); // Binomial(300, 0.4): mean 120, std ≈ 8.5
    expect(hidden).toBeLessThan(0.4 * B + 45);
    // Inference always reads the caption.
    expect(row(Array<string>(B).fill('kentucky game'), false).every((post) => post[0].every((v, k) => Math.abs(v - withCaption[k]) < 1e-5))).toBe(true);
    m.dispose();
  });

  it('is kept by save / load, is absent from the config of a model without it, and refuses a rate of 1', async () => {
    const m = model(0.25);
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'trimod-mdrop-')), 'm');
    await m.save(dir);
    const loaded = await TriMod.load(dir);
    expect(loaded.modalityDropout).toBe(0.25);
    const plain = model(0);
    expect(plain.modalityDropout).toBe(0);
    expect('modalityDropout' in plain.getConfig()).toBe(false);
    expect(() => model(1)).toThrow(/modalityDropout must be in \[0, 1\), got 1/);
    for (const x of [m, loaded, plain]) x.dispose();
  });
});
