import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '@trimod/core';
import { BiGru } from '../src/gru/bi-gru';
import { referenceBiGru } from '../src/gru/reference-gru';
import { maxAbsDiff, useCpuBackend } from './setup-backend';

beforeAll(useCpuBackend);

function randomInput(seed: number, shape: [number, number, number]): tf.Tensor3D {
  return tf.tensor3d(new SeededRandom(seed).normalArray(shape[0] * shape[1] * shape[2], 1), shape);
}

describe('BiGru', () => {
  const lengths = [5, 2, 3, 1];
  let gru: BiGru;
  let x: tf.Tensor3D;
  beforeAll(() => {
    gru = new BiGru('g', 3, 4, new SeededRandom(7));
    // The recurrent bias starts at zero; give it values so the test covers it.
    gru.recurrentBias.assign(tf.tensor2d(new SeededRandom(8).normalArray(2 * 4, 0.5), [2, 4]));
    gru.bias.assign(tf.tensor1d(new SeededRandom(9).normalArray(24, 0.5)));
    x = randomInput(1, [4, 5, 3]);
  });
  afterAll(() => {
    gru.dispose();
    x.dispose();
  });

  it('gives [N, L, 2H] outputs and [N, 2H] final states', () => {
    const out = gru.apply(x, lengths);
    const fin = gru.final(x, lengths);
    expect(out.shape).toEqual([4, 5, 8]);
    expect(fin.shape).toEqual([4, 8]);
    tf.dispose([out, fin]);
  });

  it.each(['fused', 'autodiff'] as const)('%s matches the textbook reference to 1e-5 (outputs and final states)', (impl) => {
    const ref = referenceBiGru(gru, x, lengths);
    const out = gru.apply(x, lengths, impl);
    const fin = gru.final(x, lengths, impl);
    expect(maxAbsDiff(out, ref.outputs)).toBeLessThan(1e-5);
    expect(maxAbsDiff(fin, ref.final)).toBeLessThan(1e-5);
    tf.dispose([ref.outputs, ref.final, out, fin]);
  });

  it('is zero on padding, and padding content never changes real positions', () => {
    const out = gru.apply(x, lengths).arraySync();
    // Same sequences, but garbage (large values) in every padded position.
    const noisy = x.arraySync().map((row, n) => row.map((v, t) => (t < lengths[n] ? v : v.map(() => 100))));
    const noisyX = tf.tensor3d(noisy);
    const outNoisy = gru.apply(noisyX, lengths).arraySync();
    for (let n = 0; n < 4; n++) {
      for (let t = 0; t < 5; t++) {
        for (let k = 0; k < 8; k++) {
          if (t >= lengths[n]) expect(Math.abs(out[n][t][k])).toBe(0);
          else expect(Math.abs(out[n][t][k] - outNoisy[n][t][k])).toBeLessThan(1e-6);
        }
      }
    }
    noisyX.dispose();
  });

  it('starts the backward direction at each sequence’s real end', () => {
    // A sequence of length 2 inside a batch padded to 5 must give exactly what it gives alone.
    const alone = tf.tidy(() => gru.apply(tf.slice(x, [1, 0, 0], [1, 2, 3]), [2]));
    const inBatch = tf.tidy(() => tf.slice(gru.apply(x, lengths), [1, 0, 0], [1, 2, 8]));
    expect(maxAbsDiff(alone, inBatch)).toBeLessThan(1e-6);
    // Its backward half at position 1 (the last real one) is one GRU step from a zero state.
    const lastBackward = inBatch.arraySync()[0][1].slice(4);
    const oneStep = tf.tidy(() => gru.apply(tf.slice(x, [1, 1, 0], [1, 1, 3]), [1]).arraySync()[0][0].slice(4));
    lastBackward.forEach((v, k) => expect(Math.abs(v - oneStep[k])).toBeLessThan(1e-6));
    tf.dispose([alone, inBatch]);
  });

  it.each(['fused', 'autodiff'] as const)('%s gradients match the reference for the input and every weight', (impl) => {
    const weights = tf.tensor3d(new SeededRandom(3).normalArray(4 * 5 * 8, 1), [4, 5, 8]);
    const finalWeights = tf.tensor2d(new SeededRandom(4).normalArray(4 * 8, 1), [4, 8]);
    const lossOf = (outputs: tf.Tensor3D, final: tf.Tensor2D) =>
      tf.add(tf.sum(tf.mul(outputs, weights)), tf.sum(tf.mul(final, finalWeights))) as tf.Scalar;
    const vars = gru.variables();
    const gradsOf = (run: (input: tf.Tensor3D) => tf.Scalar): Record<string, tf.Tensor> => {
      const { value, grads } = tf.variableGrads(() => run(x), vars);
      value.dispose();
      const dx = tf.grad((input: tf.Tensor) => run(input as tf.Tensor3D))(x);
      return { ...grads, dx };
    };
    const fast = gradsOf((input) => lossOf(gru.apply(input, lengths, impl), gru.final(input, lengths, impl)));
    const ref = gradsOf((input) => {
      const r = referenceBiGru(gru, input, lengths);
      return lossOf(r.outputs, r.final);
    });
    for (const v of vars) {
      const g = fast[v.name];
      expect(g).toBeDefined();
      expect(tf.sum(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
      expect(maxAbsDiff(g, ref[v.name])).toBeLessThan(1e-5);
    }
    expect(maxAbsDiff(fast.dx, ref.dx)).toBeLessThan(1e-5);
    tf.dispose([weights, finalWeights, ...Object.values(fast), ...Object.values(ref)]);
  });

  it('leaks no tensors across repeated forward and backward passes', () => {
    const run = () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(gru.apply(x, lengths)) as tf.Scalar, gru.variables());
      tf.dispose([value, ...Object.values(grads)]);
    };
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) run();
    expect(tf.memory().numTensors).toBe(before);
  });
});
