import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createFromConfig, SeededRandom } from '@trimod/core';
import { fusionConfigOf, ModalityFusion, type ModalitySpec } from '../src';

const rng = new SeededRandom(4);
const rand = (shape: [number, number, number]): tf.Tensor3D => tf.tensor3d(rng.normalArray(shape[0] * shape[1] * shape[2], 1), shape);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const weighed: ModalitySpec[] = [
  { name: 'text', dim: 6, kind: 'token' },
  { name: 'hashtag', dim: 5, kind: 'token' },
];
const make = (modalities: ModalitySpec[]) => new ModalityFusion({ kind: 'attention', modalities, outputDim: 8, attentionDim: 4, seed: 9 });

describe('a joined modality', () => {
  it('is concatenated after the weighted sum, unweighed, with no weights of its own', async () => {
    const plain = make(weighed);
    const withCue = make([...weighed, { name: 'cue', dim: 3, kind: 'joined' }]);
    expect(withCue.outputDim).toBe(8 + 3);
    expect(withCue.modalities).toEqual(['text', 'hashtag']); // the weights' last axis
    expect(withCue.joined).toEqual(['cue']);
    expect(Object.keys(withCue.namedWeights()).sort()).toEqual(Object.keys(plain.namedWeights()).sort());

    const text = { features: rand([2, 4, 6]), mask: tf.tensor2d([[1, 1, 1, 0], [1, 1, 0, 0]]) };
    const hashtag = { features: rand([2, 4, 5]), mask: tf.tensor2d([[0, 1, 0, 0], [0, 0, 0, 0]]) };
    const cue = { features: rand([2, 4, 3]), mask: text.mask };
    const a = plain.apply({ text, hashtag });
    const b = withCue.apply({ text, hashtag, cue });
    expect(b.fused.features.shape).toEqual([2, 4, 11]);
    expect(b.weights.shape).toEqual([2, 4, 2]);
    // The same weighted sum (same seed, the joined slot draws nothing), then the cue as it was given.
    expect(await tf.slice(b.fused.features, [0, 0, 0], [2, 4, 8]).array()).toEqual(await a.fused.features.array());
    expect(await tf.slice(b.fused.features, [0, 0, 8], [2, 4, 3]).array()).toEqual(await cue.features.array());
    expect(await b.weights.array()).toEqual(await a.weights.array());
    // Left out, it is zeros; the fusion's own feature dropout never touches it.
    const absent = withCue.apply({ text, hashtag });
    expect(tf.max(tf.abs(tf.slice(absent.fused.features, [0, 0, 8], [2, 4, 3]))).dataSync()[0]).toBe(0);
    const dropped = withCue.apply({ text, hashtag, cue }, undefined, { rate: 0.5, seed: 3 });
    expect(await tf.slice(dropped.fused.features, [0, 0, 8], [2, 4, 3]).array()).toEqual(await cue.features.array());
    expect(await tf.slice(dropped.fused.features, [0, 0, 0], [2, 4, 8]).array()).not.toEqual(await a.fused.features.array());
    tf.dispose([a, b, absent, dropped, text, hashtag, cue] as never);
    plain.dispose();
    withCue.dispose();
  });

  it('is checked: shape against the text, dim against the config, never first; its config round-trips', () => {
    const f = make([...weighed, { name: 'cue', dim: 3, kind: 'joined' }]);
    const text = { features: rand([1, 2, 6]), mask: tf.ones([1, 2]) as tf.Tensor2D };
    expect(() => f.apply({ text, cue: { features: rand([1, 3, 3]), mask: tf.ones([1, 3]) as tf.Tensor2D } })).toThrow('ModalityFusion: cue features are [1, 3, …] but text is [1, 2, …]');
    expect(() => f.apply({ text, cue: { features: rand([1, 2, 4]), mask: tf.ones([1, 2]) as tf.Tensor2D } })).toThrow('ModalityFusion: cue features have D=4 but the config says 3');
    expect(() => make([{ name: 'cue', dim: 3, kind: 'joined' }, ...weighed])).toThrow('the first modality ("cue") must be a token modality');
    const again = createFromConfig<ModalityFusion>('ModalityFusion', f.getConfig());
    expect(again.joined).toEqual(['cue']);
    expect(again.outputDim).toBe(11);
    again.dispose();
    f.dispose();
  });

  it('fusionConfigOf gives an older three-slot config as a list, to which a joined slot can be added', () => {
    const list = fusionConfigOf({ textDim: 6, outputDim: 8, attentionDim: 4, seed: 2 });
    expect(list.modalities).toEqual([
      { name: 'text', dim: 6, kind: 'token' },
      { name: 'hashtag', dim: 0, kind: 'token' },
      { name: 'visual', dim: 0, kind: 'set' },
    ]);
    list.modalities.push({ name: 'cue', dim: 2, kind: 'joined' });
    const f = new ModalityFusion(list as never);
    expect([f.modalities, f.joined, f.outputDim]).toEqual([['text', 'hashtag', 'visual'], ['cue'], 10]);
    f.dispose();
  });
});
