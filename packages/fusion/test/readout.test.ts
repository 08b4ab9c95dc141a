import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SeededRandom } from '@trimod/core';
import { ModalityFusion } from '../src';
import { setFirstModalityFastPath } from '../src/fusion';

// readout(inputs, kernel, bias) is apply's fused features through a dense layer (TriMod's
// emission layer). With only the first modality present it folds the fusion's projection into
// the kernel: the same scores up to float32 rounding, on every real token.
const rng = new SeededRandom(9);
const rand = (shape: number[]) => tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1), 1), shape);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A fusion whose biases are not zero (they start at 0), so the fold of the bias is tested too. */
function withBiases(f: ModalityFusion): ModalityFusion {
  for (const [name, v] of Object.entries(f.namedWeights())) if (name.endsWith('/bias')) v.assign(rand(v.shape));
  return f;
}

function makeFusion(): ModalityFusion {
  return withBiases(new ModalityFusion({
    kind: 'attention',
    modalities: [
      { name: 'text', dim: 6, kind: 'token' },
      { name: 'hashtag', dim: 5, kind: 'token' },
      { name: 'captionMatch', dim: 3, kind: 'joined' },
    ],
    outputDim: 8,
    attentionDim: 4,
    seed: 3,
  }));
}

/** apply, then x·kernel + bias: what readout stands for. */
function unfolded(f: ModalityFusion, inputs: Parameters<ModalityFusion['apply']>[0], kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor3D {
  return tf.tidy(() => {
    const { fused } = f.apply(inputs);
    const [B, T, D] = fused.features.shape;
    return tf.reshape(tf.add(tf.matMul(tf.reshape(fused.features, [B * T, D]), kernel), bias), [B, T, kernel.shape[1]]) as tf.Tensor3D;
  });
}

/** Values on real tokens only (padding scores are never read: the CRF masks them). */
async function onTokens(t: tf.Tensor3D, mask: tf.Tensor2D): Promise<number[]> {
  const v = (await t.array()) as number[][][];
  const m = (await mask.array()) as number[][];
  return v.flatMap((row, b) => row.filter((_, i) => m[b][i] === 1).flat());
}

describe('ModalityFusion.readout', () => {
  let mask: tf.Tensor2D;
  let text: { features: tf.Tensor3D; mask: tf.Tensor2D };
  let captionMatch: { features: tf.Tensor3D; mask: tf.Tensor2D };
  let kernel: tf.Tensor2D;
  let bias: tf.Tensor1D;
  beforeAll(() => {
    mask = tf.tensor2d([[1, 1, 1, 0], [1, 1, 0, 0]]);
    text = { features: rand([2, 4, 6]) as tf.Tensor3D, mask };
    captionMatch = { features: rand([2, 4, 3]) as tf.Tensor3D, mask };
    kernel = rand([11, 5]) as tf.Tensor2D;
    bias = rand([5]) as tf.Tensor1D;
  });

  it('folds the projection when only the first modality is there: the unfolded scores within float rounding, the same weights and mask, no tensor kept', async () => {
    const f = makeFusion();
    const want = unfolded(f, { text, captionMatch }, kernel, bias);
    const wantWeights = f.apply({ text, captionMatch }).weights;
    const before = tf.memory().numTensors;
    const got = f.readout({ text, captionMatch }, kernel, bias);
    expect(got.scores.shape).toEqual([2, 4, 5]);
    const a = await onTokens(got.scores, mask);
    const b = await onTokens(want, mask);
    expect(a).toHaveLength(5 * 5);
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-5 * (1 + Math.abs(b[i]))));
    expect(await got.weights.array()).toEqual(await wantWeights.array());
    expect(await got.mask.array()).toEqual(await mask.array());
    tf.dispose([got.scores, got.weights, got.mask]);
    expect(tf.memory().numTensors).toBe(before);
    f.dispose();
  });

  it('reads the fused features of the full path when another weighed modality is there, and when the fast path is off', async () => {
    const f = makeFusion();
    const hashtag = { features: rand([2, 4, 5]) as tf.Tensor3D, mask: tf.tensor2d([[1, 0, 1, 0], [0, 1, 0, 0]]) };
    for (const [inputs, fastPath] of [
      [{ text, hashtag, captionMatch }, true],
      [{ text, captionMatch }, false],
    ] as const) {
      const before = setFirstModalityFastPath(fastPath);
      try {
        const want = unfolded(f, inputs, kernel, bias);
        const got = f.readout(inputs, kernel, bias);
        // Not folded: the very same arithmetic, so the same bits.
        expect(Array.from(got.scores.dataSync())).toEqual(Array.from(want.dataSync()));
        expect(await got.weights.array()).toEqual(await f.apply(inputs).weights.array());
      } finally {
        setFirstModalityFastPath(before);
      }
    }
    f.dispose();
  });

  it('folds a model without joined modalities too, and names a kernel of the wrong height', async () => {
    const f = withBiases(new ModalityFusion({ kind: 'attention', modalities: [{ name: 'text', dim: 6, kind: 'token' }], outputDim: 8, attentionDim: 4, seed: 4 }));
    const k8 = rand([8, 3]) as tf.Tensor2D;
    const b3 = rand([3]) as tf.Tensor1D;
    const a = await onTokens(f.readout({ text }, k8, b3).scores, mask);
    const b = await onTokens(unfolded(f, { text }, k8, b3), mask);
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-5 * (1 + Math.abs(b[i]))));
    expect(() => f.readout({ text }, kernel, bias)).toThrow('the readout kernel has 11 rows but the fused features have 8');
    f.dispose();
  });
});
