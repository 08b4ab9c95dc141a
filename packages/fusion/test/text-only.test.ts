import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SeededRandom } from '@trimod/core';
import { ModalityFusion } from '../src';
import { setFirstModalityFastPath } from '../src/fusion';

// When only the first modality is given (a text-only model, the bundled one), inference skips
// the score layers and the [B, T, M, D] stack: the numbers must be exactly the full path's.
const rng = new SeededRandom(5);
const rand = (shape: [number, number, number]) => tf.tensor3d(rng.normalArray(shape[0] * shape[1] * shape[2], 1), shape);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ModalityFusion with only its first modality', () => {
  it('fuses exactly as the full softmax path does, joined modality included, and keeps no tensor', async () => {
    const f = new ModalityFusion({
      kind: 'attention',
      modalities: [
        { name: 'text', dim: 6, kind: 'token' },
        { name: 'hashtag', dim: 5, kind: 'token' },
        { name: 'visual', dim: 7, kind: 'set' },
        { name: 'captionMatch', dim: 3, kind: 'joined' },
      ],
      outputDim: 8,
      attentionDim: 4,
      seed: 11,
    });
    const mask = tf.tensor2d([[1, 1, 1, 0], [1, 1, 0, 0]]);
    const text = { features: rand([2, 4, 6]), mask };
    const captionMatch = { features: rand([2, 4, 3]), mask };
    // The full path: the hashtag modality given but absent on every token.
    const hashtag = { features: rand([2, 4, 5]), mask: tf.zeros([2, 4]) as tf.Tensor2D };
    const full = f.apply({ text, hashtag, captionMatch });
    const before = tf.memory().numTensors;
    const fast = f.apply({ text, captionMatch });
    // Equal to the bit, but for the sign of zero on padding rows (x · 0 keeps x's sign there).
    const plain = (t: tf.Tensor) => Array.from(t.dataSync(), (v) => v + 0);
    expect(plain(fast.fused.features)).toEqual(plain(full.fused.features));
    expect(fast.fused.features.shape).toEqual(full.fused.features.shape);
    expect(await fast.weights.array()).toEqual(await full.weights.array());
    expect(await fast.fused.mask.array()).toEqual(await full.fused.mask.array());
    tf.dispose([fast.fused.features, fast.fused.mask, fast.weights]);
    expect(tf.memory().numTensors).toBe(before);

    // Under a gradient tape (training) too: the same loss and, for every weight and the text
    // features, the same gradients as the full path (setFirstModalityFastPath(false)); the score
    // layers' gradients are there, all zeros, in both. With feature dropout, as training runs it.
    const probe = rand([2, 4, 8 + 3]);
    const vars = f.trainableVariables();
    interface Gradients {
      loss: number;
      named: Array<readonly [string, number[] | null]>;
      dText: number[];
    }
    const gradsOf = (fastPath: boolean): Gradients => {
      const before = setFirstModalityFastPath(fastPath);
      try {
        return tf.tidy(() => {
          const loss = (x: tf.Tensor) => tf.sum(tf.mul(f.apply({ text: { features: x as tf.Tensor3D, mask }, captionMatch }, undefined, { rate: 0.3, seed: 7 }).fused.features, probe)) as tf.Scalar;
          const { value, grads } = tf.variableGrads(() => loss(text.features), vars);
          const dText = tf.grad(loss)(text.features);
          const named = Object.entries(f.namedWeights()).map(([name, v]) => [name, grads[v.name] ? plain(grads[v.name]) : null] as const);
          return { loss: value.dataSync()[0], named, dText: plain(dText) } as unknown as tf.TensorContainer;
        }) as unknown as Gradients;
      } finally {
        setFirstModalityFastPath(before);
      }
    };
    // The fast path did run: fewer kernels than the full path.
    const kernels = async (fastPath: boolean) => (await tf.profile(() => { gradsOf(fastPath); })).kernels.length;
    expect(await kernels(true)).toBeLessThan(await kernels(false));
    const before2 = tf.memory().numTensors;
    const fastGrads = gradsOf(true);
    const fullGrads = gradsOf(false);
    expect(tf.memory().numTensors).toBe(before2);
    expect(fastGrads.loss).toBe(fullGrads.loss);
    expect(fastGrads.dText).toEqual(fullGrads.dText);
    expect(fastGrads.dText.some((g) => g !== 0)).toBe(true);
    expect(fastGrads.named).toEqual(fullGrads.named);
    const scoreGrads = fastGrads.named.filter(([name]) => /score/.test(name));
    expect(scoreGrads.length).toBeGreaterThan(0);
    for (const [, g] of scoreGrads) expect(g !== null && g.every((x) => x === 0)).toBe(true);
    // Not vacuous: the projection's gradient is not zero.
    expect(fastGrads.named.some(([name, g]) => !/score/.test(name) && g !== null && g.some((x) => x !== 0))).toBe(true);
  });
});
