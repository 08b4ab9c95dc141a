import * as tf from '@tensorflow/tfjs-core';
import { CaptionDecoder } from '../../../packages/image-captioner/src/decoder/decoder';
import { CaptionVocab } from '../../../packages/image-captioner/src/decoder/vocab';
import { averageDecoders } from '../src/decoder-soup';
import { TINY_WORDS, tinyConfig, tinyDecoder, useCpu } from '../../../packages/image-captioner/test/helpers';

beforeAll(useCpu);

describe('averageDecoders (model soup of fine-tuned decoders)', () => {
  it('gives every weight the mean of the decoders’ weights, without leaking tensors', async () => {
    const a = tinyDecoder({ seed: 1 });
    const b = tinyDecoder({ seed: 1 });
    // b: a's weights shifted by +1 and scaled by 3, so the mean is known in closed form: (a + 3a + 3) / 2.
    for (const [name, v] of Object.entries(b.namedWeights())) v.assign(tf.tidy(() => tf.add(tf.mul(a.namedWeights()[name], 3), 1)));
    const before = tf.memory().numTensors;
    const mean = await averageDecoders([a, b]);
    const created = tf.memory().numTensors - before;
    expect(created).toBe(Object.keys(a.namedWeights()).length);
    for (const [name, v] of Object.entries(mean.namedWeights())) {
      const x = a.namedWeights()[name].dataSync();
      const got = v.dataSync();
      expect(v.shape).toEqual(a.namedWeights()[name].shape);
      got.forEach((g, k) => expect(g).toBeCloseTo((x[k] + 3 * x[k] + 1) / 2, 5));
    }
    [mean, a, b].forEach((d) => d.dispose());
    expect(tf.memory().numTensors).toBe(before - 2 * Object.keys(a.namedWeights()).length);
  });

  it('of one decoder is that decoder', async () => {
    const a = tinyDecoder({ seed: 4 });
    const mean = await averageDecoders([a]);
    for (const [name, v] of Object.entries(mean.namedWeights())) expect(Array.from(v.dataSync())).toEqual(Array.from(a.namedWeights()[name].dataSync()));
    [a, mean].forEach((d) => d.dispose());
  });

  it('refuses decoders of different sizes or vocabularies, naming the difference', async () => {
    const a = tinyDecoder();
    const wider = tinyDecoder({ hiddenDim: 9 });
    const words = [...TINY_WORDS];
    words[5] = 'cat';
    const other = new CaptionDecoder(tinyConfig(), new CaptionVocab(words));
    await expect(averageDecoders([a, wider])).rejects.toThrow(/decoder 1's config .*"hiddenDim":9/);
    await expect(averageDecoders([a, other])).rejects.toThrow(/decoder 1's vocabulary differs .*word 5: "cat" vs "dog"/);
    await expect(averageDecoders([])).rejects.toThrow(/no decoders/);
    [a, wider, other].forEach((d) => d.dispose());
  });
});
