import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { SeededRandom } from '@trimod/core';
import { BiGru } from '../src/gru/bi-gru';
import { leanRecurrence } from '../src/gru/lean-recurrence';
import { referenceBiGru } from '../src/gru/reference-gru';
import { maxAbsDiff, useCpuBackend } from './setup-backend';

/**
 * The Bi-GRU without a gradient tape runs the lean recurrence (one scope per step); under a
 * tape it runs the fused one. Both must give the textbook reference's numbers, on cpu and wasm,
 * and the lean one's memory must not grow with the sequence length beyond its inputs and outputs.
 */

function randomInput(seed: number, shape: [number, number, number]): tf.Tensor3D {
  return tf.tensor3d(new SeededRandom(seed).normalArray(shape[0] * shape[1] * shape[2], 1), shape);
}

function makeGru(): BiGru {
  const gru = new BiGru('g', 3, 4, new SeededRandom(7));
  // The biases start at zero; give them values so the test covers them.
  gru.recurrentBias.assign(tf.tensor2d(new SeededRandom(8).normalArray(2 * 4, 0.5), [2, 4]));
  gru.bias.assign(tf.tensor1d(new SeededRandom(9).normalArray(24, 0.5)));
  return gru;
}

const lengths = [7, 2, 5, 1];

/** Values without a tape (lean), and gradients of every weight and the input under one (fused). */
function checkAgainstReference(): void {
  const gru = makeGru();
  const x = randomInput(1, [4, 7, 3]);
  const ref = referenceBiGru(gru, x, lengths);
  const out = gru.apply(x, lengths);
  const fin = gru.final(x, lengths);
  expect(maxAbsDiff(out, ref.outputs)).toBeLessThan(1e-5);
  expect(maxAbsDiff(fin, ref.final)).toBeLessThan(1e-5);

  const weights = randomInput(3, [4, 7, 8]);
  const lossOf = (outputs: tf.Tensor3D, final: tf.Tensor2D) => tf.add(tf.sum(tf.mul(outputs, weights)), tf.sum(final)) as tf.Scalar;
  const gradsOf = (run: (input: tf.Tensor3D) => tf.Scalar): Record<string, tf.Tensor> => {
    const { value, grads } = tf.variableGrads(() => run(x), gru.variables());
    value.dispose();
    return { ...grads, dx: tf.grad((input: tf.Tensor) => run(input as tf.Tensor3D))(x) };
  };
  const fast = gradsOf((input) => lossOf(gru.apply(input, lengths), gru.final(input, lengths)));
  const slow = gradsOf((input) => {
    const r = referenceBiGru(gru, input, lengths);
    return lossOf(r.outputs, r.final);
  });
  for (const name of Object.keys(slow)) {
    expect(tf.sum(tf.abs(fast[name])).dataSync()[0]).toBeGreaterThan(0);
    expect(maxAbsDiff(fast[name], slow[name])).toBeLessThan(1e-5);
  }
  tf.dispose([x, ref.outputs, ref.final, out, fin, weights, ...Object.values(fast), ...Object.values(slow)]);
  gru.dispose();
}

/**
 * How much the lean recurrence's peak tensor bytes (tf.profile) grow per extra step, in units of
 * one step's states (D·N·H floats, D = 2 directions). The states are its output, held once as
 * steps and once stacked: 2 units. Keeping each step's gates until the loop ends, as the training
 * recurrences must for their backward pass, costs 9 (fused) to 52 (tfjs's tape) units.
 */
async function growthPerStep(): Promise<number> {
  const gru = makeGru();
  const [N, H] = [3, gru.hidden];
  const peak = async (L: number) => {
    const xp = tf.tidy(() => tf.reshape(randomInput(L, [L, 3, 2 * N * H]), [L, 3, 2, N, H]));
    const bn = tf.reshape(gru.recurrentBias, [2, 1, H]) as tf.Tensor3D;
    const before = tf.memory().numBytes;
    const info = await tf.profile(() => {
      tf.dispose(leanRecurrence(xp, gru.recurrentKernel as tf.Tensor4D, bn));
    });
    tf.dispose([xp, bn]);
    return info.peakBytes - before;
  };
  const [short, long] = [await peak(40), await peak(400)];
  gru.dispose();
  return (long - short) / (400 - 40) / (2 * N * H * 4);
}

describe('Bi-GRU lean inference path', () => {
  afterAll(async () => {
    await useCpuBackend();
  });

  test('cpu: matches the reference (values without a tape, gradients with one)', async () => {
    await useCpuBackend();
    checkAgainstReference();
  });

  test('cpu: inference memory grows with the length only by the outputs', async () => {
    await useCpuBackend();
    expect(await growthPerStep()).toBeLessThanOrEqual(2);
  });

  test('cpu: a forward pass without a tape leaves no tensors behind', async () => {
    await useCpuBackend();
    const gru = makeGru();
    const x = randomInput(2, [4, 7, 3]);
    tf.dispose(gru.apply(x, lengths));
    const before = tf.memory().numTensors;
    tf.dispose([gru.apply(x, lengths), gru.final(x, lengths)]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    gru.dispose();
  });

  describe('wasm', () => {
    beforeAll(async () => {
      setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
      expect(await tf.setBackend('wasm')).toBe(true);
    });

    test('matches the reference (values without a tape, gradients with one)', () => {
      expect(tf.getBackend()).toBe('wasm');
      checkAgainstReference();
    });

    test('inference memory grows with the length only by the outputs', async () => {
      expect(tf.getBackend()).toBe('wasm');
      expect(await growthPerStep()).toBeLessThanOrEqual(2);
    });
  });
});
