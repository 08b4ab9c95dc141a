import * as tf from '@tensorflow/tfjs-core';
import { createFromConfig, SeededRandom } from '@trimod/core';
import { MAX_TRANSFORMER_TOKENS, registerContextEncoder, TextEncoder, type ContextEncoder, type TextEncoderOptions } from '../src';
import { contextEncoderNames } from '../src/context/context-encoder';
import { TransformerContext } from '../src/context/transformer-context';
import { describeEncoderContract } from '../../core/test/encoder-contract';
import { encodeToArrays, POSTS, smallTextEncoder, textContract, weightedSum } from './encoder-fixtures';
import { maxAbsDiff, useCpuBackend } from './setup-backend';

beforeAll(useCpuBackend);

const small = (seed: number, extra: Partial<TextEncoderOptions> = {}) =>
  smallTextEncoder(seed, { context: 'transformer', transformerDim: 8, transformerHeads: 2, transformerLayers: 2, transformerFfn: 12, ...extra });

// Shapes, padding invariance, gradients to every variable, seeded determinism, no leaks,
// config and save/load round trips: the same contract as every other text encoder.
describeEncoderContract('TextEncoder (context transformer)', textContract((seed) => small(seed)));
describeEncoderContract('TextEncoder (context none)', textContract((seed) => small(seed, { context: 'none' })));
describeEncoderContract('TextEncoder (chars cnn, context transformer, 1 layer)', textContract((seed) => small(seed, { chars: 'cnn', charFilters: 3, transformerLayers: 1 })));

/** A bare transformer context over random inputs [B, T, D] (no embedder in the way). */
function bare(layers = 2): TransformerContext {
  return new TransformerContext(5, { dim: 8, heads: 2, layers, ffn: 16 }, new SeededRandom(7));
}

const disposeAll = (c: ContextEncoder) => Object.values(c.namedWeights()).forEach((v) => v.dispose());

describe('TransformerContext', () => {
  it('names its weights per layer and sizes them from its settings', () => {
    const context = bare();
    try {
      const shapes = Object.fromEntries(Object.entries(context.namedWeights()).map(([k, v]) => [k, v.shape]));
      expect(shapes['transformer/input/kernel']).toEqual([5, 8]);
      expect(shapes['transformer/1/query/kernel']).toEqual([8, 8]);
      expect(shapes['transformer/1/ffnInner/kernel']).toEqual([8, 16]);
      expect(shapes['transformer/1/ffnOuter/kernel']).toEqual([16, 8]);
      expect(shapes['transformer/0/attentionNorm/gamma']).toEqual([8]);
      expect(Object.keys(shapes)).toHaveLength(2 + 2 * (4 * 2 + 2 * 2 + 2 * 2));
      expect(context.outputDim).toBe(8);
    } finally {
      disposeAll(context);
    }
  });

  it('masks padded keys: whatever padded positions hold, real tokens get the same outputs, and padding outputs are zero', () => {
    const context = bare();
    try {
      const lengths = Int32Array.from([3, 1]);
      const mask = Float32Array.from([1, 1, 1, 0, 0, 1, 0, 0, 0, 0]);
      const real = tf.randomNormal([2, 5, 5], 0, 1, 'float32', 1);
      // Same real rows, different garbage on padding.
      const noisy = tf.tidy(() => tf.add(real, tf.mul(tf.randomNormal([2, 5, 5], 0, 10, 'float32', 2), tf.sub(1, tf.tensor3d(mask, [2, 5, 1])))));
      const a = context.apply({ x: real as tf.Tensor3D, lengths, mask, training: false, impl: 'fused' });
      const b = context.apply({ x: noisy as tf.Tensor3D, lengths, mask, training: false, impl: 'fused' });
      expect(maxAbsDiff(real, noisy)).toBeGreaterThan(1);
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
      const out = a.arraySync() as number[][][];
      for (const [bIdx, t] of [[0, 3], [0, 4], [1, 1], [1, 4]]) expect(out[bIdx][t].every((v) => v === 0)).toBe(true);
      expect(out[0][0].some((v) => v !== 0)).toBe(true);
      tf.dispose([real, noisy, a, b]);
    } finally {
      disposeAll(context);
    }
  });

  it('lets each token attend to the whole post (unlike a window) and knows token order', () => {
    const encoder = small(4);
    try {
      const a = encodeToArrays(encoder, [['the', 'NBA', 'finals', 'in', 'Paris']]).features[0];
      const b = encodeToArrays(encoder, [['the', 'NBA', 'finals', 'in', 'tonight']]).features[0];
      // The last token changed; the first token, four positions away, sees it.
      expect(Math.max(...a[0].map((v, k) => Math.abs(v - b[0][k])))).toBeGreaterThan(1e-4);
      // Positions: the same two tokens swapped give each a different output.
      const [x, y] = encodeToArrays(encoder, [['NBA', 'Paris'], ['Paris', 'NBA']]).features;
      expect(Math.max(...x[0].map((v, k) => Math.abs(v - y[1][k])))).toBeGreaterThan(1e-4);
    } finally {
      encoder.dispose();
    }
  });

  it('trains: a few Adam steps lower a loss through the whole encoder', () => {
    const encoder = small(5);
    const optimizer = tf.train.adam(0.01);
    try {
      const target = tf.randomNormal([3, 7, 8], 0, 1, 'float32', 3);
      const mask = tf.tensor3d([[1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0, 0], [1, 1, 0, 0, 0, 0, 0]].map((r) => r.map((m) => [m])));
      const loss = () => tf.mean(tf.mul(tf.square(tf.sub(encoder.encode(POSTS, { training: false }).features, target)), mask)) as tf.Scalar;
      const first = tf.tidy(() => loss().dataSync()[0]);
      for (let i = 0; i < 30; i++) tf.dispose(optimizer.minimize(loss, true, encoder.trainableVariables()) ?? []);
      const last = tf.tidy(() => loss().dataSync()[0]);
      expect(last).toBeLessThan(0.7 * first);
      tf.dispose([target, mask]);
    } finally {
      optimizer.dispose();
      encoder.dispose();
    }
  });

  it('has gradients for every weight of a bare context, with none for the masked garbage', () => {
    const context = bare(1);
    try {
      const x = tf.randomNormal([2, 4, 5], 0, 1, 'float32', 9) as tf.Tensor3D;
      const mask = Float32Array.from([1, 1, 1, 1, 1, 1, 0, 0]);
      const { grads } = tf.variableGrads(() => weightedSum(context.apply({ x, lengths: Int32Array.from([4, 2]), mask, training: true, impl: 'fused' })), Object.values(context.namedWeights()));
      for (const v of Object.values(context.namedWeights())) expect(tf.tidy(() => tf.sum(tf.abs(grads[v.name])).dataSync()[0])).toBeGreaterThan(0);
      const dx = tf.grad((input: tf.Tensor) => weightedSum(context.apply({ x: input as tf.Tensor3D, lengths: Int32Array.from([4, 2]), mask, training: true, impl: 'fused' })))(x);
      const rows = dx.arraySync() as number[][][];
      expect(rows[1][2].every((v) => v === 0) && rows[1][3].every((v) => v === 0)).toBe(true);
      tf.dispose([x, dx, ...Object.values(grads)]);
    } finally {
      disposeAll(context);
    }
  });

  it('refuses settings it cannot build, naming the key', () => {
    expect(() => small(1, { transformerHeads: 3 })).toThrow('TextEncoder: "transformerHeads" (3) must divide "transformerDim" (8)');
    expect(() => small(1, { transformerLayers: 5 })).toThrow(/TextEncoder: "transformerLayers"/);
    expect(() => small(1, { context: 'lstm' })).toThrow('TextEncoder: "context" must be one of "bigru", "cnn", "none", "transformer"');
  });
});

describe('registerContextEncoder', () => {
  it('makes a new context a config value, saved and rebuilt by name', () => {
    // A context that scales features by a learned scalar: enough to see the registry at work.
    registerContextEncoder('scaled-test', (inputDim, read, rng) => {
      const scale = tf.variable(tf.scalar(rng.random() + read.int('scaleExtra', 1, 0)));
      return {
        outputDim: inputDim,
        apply: ({ x, mask }) => tf.tidy(() => tf.mul(tf.mul(x, scale), tf.tensor3d(mask, [x.shape[0], x.shape[1], 1])) as tf.Tensor3D),
        namedWeights: () => ({ 'scaled/scale': scale }),
        getConfig: () => ({ scaleExtra: read.int('scaleExtra', 1, 0) }),
      };
    });
    expect(contextEncoderNames()).toContain('scaled-test');
    const encoder = small(2, { context: 'scaled-test' });
    const rebuilt = createFromConfig<TextEncoder>('TextEncoder', JSON.parse(JSON.stringify(encoder.getConfig())));
    try {
      expect(encoder.getConfig()).toMatchObject({ context: 'scaled-test', scaleExtra: 1 });
      expect(Object.keys(encoder.namedWeights())).toContain('scaled/scale');
      expect(rebuilt.outputDim).toBe(4 + 4 + 2);
      expect(encodeToArrays(rebuilt, POSTS)).toEqual(encodeToArrays(encoder, POSTS));
    } finally {
      encoder.dispose();
      rebuilt.dispose();
    }
  });
});

describe('TransformerContext length limit', () => {
  it('refuses a post past MAX_TRANSFORMER_TOKENS by name, before any attention is computed, and leaks nothing', () => {
    const encoder = small(3);
    const before = tf.memory().numTensors;
    const long = [Array.from({ length: MAX_TRANSFORMER_TOKENS + 1 }, () => 'Toronto')];
    expect(() => encoder.encode(long, { training: false })).toThrow(`a post of ${MAX_TRANSFORMER_TOKENS + 1} tokens is past the Transformer context's limit of ${MAX_TRANSFORMER_TOKENS}`);
    expect(tf.memory().numTensors).toBe(before);
    encoder.dispose();
  });
});
