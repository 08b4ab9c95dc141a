import * as tf from '@tensorflow/tfjs-core';
import { createFromConfig } from '@trimod/core';
import { VisualEncoder, type VisualSample } from '../src/visual-encoder';
import { tinyDecoder, useCpu } from './helpers';

beforeAll(useCpu);

const regions = (count: number, dim: number, v = 0.5) => ({ values: new Float32Array(count * dim).fill(v), count, dim });

describe('VisualEncoder', () => {
  it('puts regions, objects (+ their labels) and caption words of each post in one masked set', () => {
    const dec = tinyDecoder();
    const enc = VisualEncoder.fromDecoder(dec, { outputDim: 4, maxCaptionWords: 5 });
    const batch: (VisualSample | null)[] = [
      { regions: regions(3, 6), caption: 'A dog runs on the grass today' }, // 3 regions + 5 words (cut)
      null, // no visual input at all
      { caption: 'red man', objects: [{ label: 'dog', score: 0.9, box: [0, 0, 1, 1], feature: new Float32Array(6).fill(1) }] }, // 1 object + label + 2 words
    ];
    const { features, mask } = enc.encode(batch, { training: false });
    expect(features.shape).toEqual([3, 8, 4]);
    expect(Array.from(mask.dataSync())).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]);
    // Padding rows are exactly zero.
    const f = features.arraySync();
    expect(f[1].flat().every((x) => x === 0)).toBe(true);
    expect(f[2][5].every((x) => x === 0)).toBe(true);
    tf.dispose([features, mask]);
    enc.dispose();
    dec.dispose();
  });

  it('embeds caption words with the decoder\'s own (frozen) embeddings', () => {
    const dec = tinyDecoder();
    const enc = VisualEncoder.fromDecoder(dec, { outputDim: 4 });
    expect(Array.from(enc.namedWeights()['wordEmbedding'].dataSync())).toEqual(Array.from(dec.embedding.dataSync()));
    expect(enc.trainableVariables().map((v) => v.name)).not.toContain(enc.namedWeights()['wordEmbedding'].name);
    // The same word gives the same feature; different words differ.
    const { features, mask } = enc.encode([{ caption: 'dog dog grass' }], { training: false });
    const [[a, b, c]] = features.arraySync();
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    tf.dispose([features, mask]);
    enc.dispose();
    dec.dispose();
  });

  it('is rebuilt from its config through the registry', () => {
    const dec = tinyDecoder();
    const enc = VisualEncoder.fromDecoder(dec, { outputDim: 4 });
    const again = createFromConfig<VisualEncoder>('VisualEncoder', enc.getConfig());
    expect(again.outputDim).toBe(4);
    expect(Object.keys(again.namedWeights()).sort()).toEqual(Object.keys(enc.namedWeights()).sort());
    again.dispose();
    enc.dispose();
    dec.dispose();
  });

  it('trains its projections (gradients reach them) and leaks no tensors', () => {
    const dec = tinyDecoder();
    const enc = VisualEncoder.fromDecoder(dec, { outputDim: 4 });
    const batch = [{ regions: regions(2, 6), caption: 'a man' }];
    const step = () => {
      const { value, grads } = tf.variableGrads(() => {
        const { features, mask } = enc.encode(batch, { training: true });
        return tf.sum(tf.mul(features, tf.expandDims(mask, 2))) as tf.Scalar;
      }, enc.trainableVariables());
      const norms = Object.values(grads).map((g) => tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]));
      tf.dispose([value, ...Object.values(grads)]);
      return norms;
    };
    step();
    const before = tf.memory().numTensors;
    const norms = step();
    expect(norms.every((n) => n > 0)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    enc.dispose();
    dec.dispose();
  });

  it('names a post whose regions have the wrong width', () => {
    const dec = tinyDecoder();
    const enc = VisualEncoder.fromDecoder(dec, { outputDim: 4 });
    expect(() => enc.encode([null, { regions: regions(2, 5) }], { training: false })).toThrow(/post 1 has 5-d regions, expected 6-d/);
    enc.dispose();
    dec.dispose();
  });
});
