import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '@trimod/core';
import { BiGru, setSkipPadding } from '../src/gru/bi-gru';
import { useCpuBackend, withSwitch } from './setup-backend';

beforeAll(useCpuBackend);

/**
 * The native path projects only the real positions of a padded input (bi-gru.ts, realRows):
 * outputs, final states and every gradient (weights and input) must be those of projecting
 * every position, to the bit (zeros of either sign count as equal), and no tensor may be left.
 */

function normal(seed: number, shape: number[], scale = 1): tf.Tensor {
  return tf.tensor(new SeededRandom(seed).normalArray(shape.reduce((a, b) => a * b, 1), scale), shape);
}

const plain = (t: tf.Tensor) => Array.from(t.dataSync(), (v) => v + 0);

const withSkip = <T>(on: boolean, f: () => T): T => withSwitch(setSkipPadding, on, f);

describe('Bi-GRU projection of real positions only', () => {
  const N = 5;
  const L = 7;
  const Din = 6;
  const H = 5;
  const lengths = [7, 2, 5, 1, 3];

  function run(gru: BiGru, x: tf.Tensor3D, weights: tf.Tensor) {
    const loss = (input: tf.Tensor3D) => tf.add(tf.sum(tf.mul(gru.apply(input, lengths, 'native'), weights)), tf.sum(gru.final(input, lengths, 'native'))) as tf.Scalar;
    const { value, grads } = tf.variableGrads(() => loss(x), gru.variables());
    const dx = tf.grad((input: tf.Tensor) => loss(input as tf.Tensor3D))(x);
    const named = Object.fromEntries(Object.entries(gru.namedWeights()).map(([name, v]) => [name, plain(grads[v.name])]));
    const applied = gru.apply(x, lengths);
    const out: Record<string, number[]> = { loss: plain(value), dx: plain(dx), ...named, apply: plain(applied) };
    tf.dispose([value, dx, applied, ...Object.values(grads)]);
    return out;
  }

  it('gives the same outputs and gradients as projecting every position, and keeps no tensor', () => {
    const gru = new BiGru('g', Din, H, new SeededRandom(4));
    gru.bias.assign(normal(5, [6 * H], 0.5) as tf.Tensor1D);
    const x = normal(6, [N, L, Din]) as tf.Tensor3D;
    const weights = normal(7, [N, L, 2 * H]);
    const skipped = withSkip(true, () => run(gru, x, weights));
    const every = withSkip(false, () => run(gru, x, weights));
    expect(Object.keys(skipped).sort()).toEqual(['apply', 'dx', 'g/bias', 'g/kernel', 'g/recurrentBias', 'g/recurrentKernel', 'loss']);
    expect(Object.keys(every).sort()).toEqual(Object.keys(skipped).sort());
    for (const k of Object.keys(every)) expect({ [k]: skipped[k] }).toEqual({ [k]: every[k] });
    // Not vacuous: the kernel's gradient is far from zero, and padding rows of dx are zero.
    expect(Math.max(...every['g/kernel'].map(Math.abs))).toBeGreaterThan(1e-2);
    expect(skipped.dx.slice((1 * L + 2) * Din, (1 * L + 3) * Din)).toEqual(new Array(Din).fill(0));
    const before = tf.memory().numTensors;
    withSkip(true, () => run(gru, x, weights));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, weights]);
    gru.dispose();
  });
});
