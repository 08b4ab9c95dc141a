import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SeededRandom } from '@trimod/core';
import { ModalityFusion } from '../src';

const rng = new SeededRandom(5);
const rand = (shape: [number, number, number]): tf.Tensor3D => tf.tensor3d(rng.normalArray(shape[0] * shape[1] * shape[2], 1), shape);

/** B posts of T tokens where every token has text and hashtag features and every post an image. */
function fullInputs(B: number, T = 3) {
  return {
    text: { features: rand([B, T, 6]), mask: tf.ones([B, T]) as tf.Tensor2D },
    hashtag: { features: rand([B, T, 5]), mask: tf.ones([B, T]) as tf.Tensor2D },
    visual: { features: rand([B, 2, 7]), mask: tf.ones([B, 2]) as tf.Tensor2D },
  };
}

const make = () =>
  new ModalityFusion({
    kind: 'attention',
    modalities: [
      { name: 'text', dim: 6, kind: 'token' },
      { name: 'hashtag', dim: 5, kind: 'token' },
      { name: 'visual', dim: 7, kind: 'set' },
    ],
    outputDim: 8,
    attentionDim: 4,
    seed: 2,
  });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ModalityFusion modality dropout', () => {
  it('hides whole auxiliary modalities per post, never the text, at about the given rate', () => {
    const f = make();
    const B = 400;
    const x = fullInputs(B);
    const out = f.apply(x, { rate: 0.3, seed: 11 });
    const w = out.weights.arraySync();
    let dropped = 0;
    for (let b = 0; b < B; b++) {
      expect(w[b][0][0]).toBeGreaterThan(0); // the text always takes part
      for (const m of [1, 2]) {
        const column = w[b].map((row) => row[m]);
        // A modality is dropped for the whole post (every token) or kept for the whole post.
        const zeros = column.filter((v) => v === 0).length;
        expect(zeros === 0 || zeros === column.length).toBe(true);
        if (zeros) dropped++;
      }
      for (const row of w[b]) expect(row[0] + row[1] + row[2]).toBeCloseTo(1, 5);
    }
    // 800 Bernoulli(0.3) draws: 240 expected, std ≈ 13.
    expect(dropped).toBeGreaterThan(190);
    expect(dropped).toBeLessThan(290);
    tf.dispose([out as never, x as never]);
    f.dispose();
  });

  it('draws the same posts for the same seed, and other posts for another seed', () => {
    const f = make();
    const x = fullInputs(64);
    const pattern = (seed: number) => {
      const out = f.apply(x, { rate: 0.5, seed });
      const p = out.weights.arraySync().map((post) => `${post[0][1] > 0 ? 1 : 0}${post[0][2] > 0 ? 1 : 0}`).join('');
      tf.dispose(out as never);
      return p;
    };
    expect(pattern(3)).toBe(pattern(3));
    expect(pattern(3)).not.toBe(pattern(4));
    tf.dispose(x as never);
    f.dispose();
  });

  it('changes nothing at rate 0, and refuses a rate outside [0, 1)', () => {
    const f = make();
    const x = fullInputs(4);
    const plain = f.apply(x);
    const zero = f.apply(x, { rate: 0, seed: 1 });
    expect(zero.fused.features.arraySync()).toEqual(plain.fused.features.arraySync());
    expect(() => f.apply(x, { rate: 1, seed: 1 })).toThrow(/modality dropout rate must be in \[0, 1\), got 1/);
    expect(() => f.apply(x, { rate: -0.1, seed: 1 })).toThrow(/got -0.1/);
    tf.dispose([plain as never, zero as never, x as never]);
    f.dispose();
  });

  it('lets gradients reach a kept modality and none reach a dropped one', () => {
    const f = make();
    const x = fullInputs(2);
    // Find a seed that keeps the hashtags of post 0 and drops them for post 1.
    let seed = 0;
    for (; seed < 1000; seed++) {
      const w = tf.tidy(() => f.apply(x, { rate: 0.5, seed }).weights.arraySync());
      if (w[0][0][1] > 0 && w[1][0][1] === 0) break;
    }
    const grad = tf.grad((h: tf.Tensor) => tf.sum(f.apply({ ...x, hashtag: { features: h as tf.Tensor3D, mask: x.hashtag.mask } }, { rate: 0.5, seed }).fused.features))(x.hashtag.features);
    const g = grad.arraySync() as number[][][];
    expect(g[0].flat().some((v) => v !== 0)).toBe(true);
    expect(g[1].flat().every((v) => v === 0)).toBe(true);
    tf.dispose([grad, x as never]);
    f.dispose();
  });
});
