import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SeededRandom } from '@trimod/core';
import { ModalityFusion } from '../src';

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

    // Under a gradient tape (training) the full path runs: the score layers get their (zero) gradients.
    const { grads } = tf.variableGrads(() => tf.sum(f.apply({ text, captionMatch }).fused.features) as tf.Scalar, f.trainableVariables());
    const withGradient = Object.entries(f.namedWeights())
      .filter(([, v]) => grads[v.name] !== undefined)
      .map(([name]) => name);
    expect(withGradient.filter((name) => /score/.test(name)).length).toBeGreaterThan(0);
    tf.dispose(Object.values(grads));
  });
});
