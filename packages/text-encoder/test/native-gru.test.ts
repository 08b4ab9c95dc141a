import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { SeededRandom } from '@trimod/core';
import { BiGru } from '../src/gru/bi-gru';
import { nativeRecurrenceUsable, setNativeRecurrence } from '../src/gru/native-recurrence';
import { GRU_FORWARD } from '../src/gru/native/gru-kernels';
import { nativeGru } from '../src/gru/native/gru-module';
import { maxAbsDiff, useCpuBackend, withSwitch } from './setup-backend';

/**
 * The native recurrence (assembly/gru.ts as tfjs kernels) against the tfjs recurrence it
 * replaces: values without a tape, gradients of every weight and of the input under one, for
 * random shapes (hidden sizes that are and are not multiples of 4, padded batches, batch 1),
 * on cpu and wasm, and no tensor left behind.
 */

function normal(seed: number, shape: number[], scale = 1): tf.Tensor {
  return tf.tensor(new SeededRandom(seed).normalArray(shape.reduce((a, b) => a * b, 1), scale), shape);
}

function makeGru(seed: number, inputDim: number, hidden: number): BiGru {
  const gru = new BiGru('g', inputDim, hidden, new SeededRandom(seed));
  // The biases start at zero; give them values so the comparison covers them.
  gru.recurrentBias.assign(normal(seed + 1, [2, hidden], 0.5) as tf.Tensor2D);
  gru.bias.assign(normal(seed + 2, [6 * hidden], 0.5) as tf.Tensor1D);
  return gru;
}

/** Runs `f` with the native recurrence on or off. */
const withNative = <T>(on: boolean, f: () => T): T => withSwitch(setNativeRecurrence, on, f);

interface Case {
  name: string;
  N: number;
  L: number;
  Din: number;
  H: number;
  lengths: number[];
}

const CASES: Case[] = [
  { name: 'padded batch with an empty sequence, H 5 (not a multiple of 4)', N: 6, L: 9, Din: 4, H: 5, lengths: [9, 3, 1, 9, 0, 2] },
  { name: 'batch 1', N: 1, L: 7, Din: 3, H: 8, lengths: [7] },
  { name: 'batch 1 with padding', N: 1, L: 7, Din: 3, H: 6, lengths: [4] },
  { name: 'word-GRU-like rows, H 17', N: 9, L: 12, Din: 7, H: 17, lengths: [12, 11, 5, 12, 1, 8, 3, 10, 7] },
];

/** Values of apply and final, native against the tfjs path. */
function checkValues(c: Case): void {
  const gru = makeGru(c.N * 31 + c.H, c.Din, c.H);
  const x = normal(c.L, [c.N, c.L, c.Din]) as tf.Tensor3D;
  const lengths = c.lengths;
  const finalLengths = lengths.map((len) => Math.max(1, len));
  expect(withNative(true, () => nativeRecurrenceUsable(c.L, c.N, c.H, false))).toBe(true);
  const [outN, finN] = withNative(true, () => [gru.apply(x, lengths), gru.final(x, finalLengths)]);
  const [outT, finT] = withNative(false, () => [gru.apply(x, lengths), gru.final(x, finalLengths)]);
  expect(maxAbsDiff(outN, outT)).toBeLessThan(1e-5);
  expect(maxAbsDiff(finN, finT)).toBeLessThan(1e-5);
  // Not vacuous: the outputs are far from zero.
  expect(tf.max(tf.abs(outN)).dataSync()[0]).toBeGreaterThan(0.05);
  tf.dispose([x, outN, finN, outT, finT]);
  gru.dispose();
}

/** Gradients of every weight and of the input: impl 'native' against 'fused'. */
function checkGradients(c: Case): void {
  const gru = makeGru(c.N * 17 + c.H, c.Din, c.H);
  const x = normal(c.L + 1, [c.N, c.L, c.Din]) as tf.Tensor3D;
  const weights = normal(c.L + 2, [c.N, c.L, 2 * c.H]);
  const finalWeights = normal(c.L + 3, [c.N, 2 * c.H]);
  const finalLengths = c.lengths.map((len) => Math.max(1, len));
  expect(nativeRecurrenceUsable(c.L, c.N, c.H, true)).toBe(true);
  const loss = (input: tf.Tensor3D, impl: 'native' | 'fused') =>
    tf.add(tf.sum(tf.mul(gru.apply(input, c.lengths, impl), weights)), tf.sum(tf.mul(gru.final(input, finalLengths, impl), finalWeights))) as tf.Scalar;
  const gradsOf = (impl: 'native' | 'fused'): Record<string, tf.Tensor> => {
    const { value, grads } = tf.variableGrads(() => loss(x, impl), gru.variables());
    value.dispose();
    return { ...grads, dx: tf.grad((input: tf.Tensor) => loss(input as tf.Tensor3D, impl))(x) };
  };
  const native = gradsOf('native');
  const fused = withNative(false, () => gradsOf('fused'));
  expect(Object.keys(native).sort()).toEqual(Object.keys(fused).sort());
  for (const name of Object.keys(fused)) {
    expect(tf.max(tf.abs(native[name])).dataSync()[0]).toBeGreaterThan(1e-3);
    const scale = Math.max(1, tf.max(tf.abs(fused[name])).dataSync()[0]);
    expect(maxAbsDiff(native[name], fused[name]) / scale).toBeLessThan(1e-5);
  }
  tf.dispose([x, weights, finalWeights, ...Object.values(native), ...Object.values(fused)]);
  gru.dispose();
}

/** The kernel keeps packed weights between calls: a new value of the variable must be used at once. */
function checkWeightUpdate(): void {
  const gru = makeGru(11, 4, 6);
  const x = normal(12, [3, 5, 4]) as tf.Tensor3D;
  const lengths = [5, 2, 4];
  tf.dispose(gru.apply(x, lengths)); // packs the first weights
  gru.recurrentKernel.assign(normal(13, [3, 2, 6, 6], 0.5) as tf.Tensor4D);
  const native = withNative(true, () => gru.apply(x, lengths));
  const plain = withNative(false, () => gru.apply(x, lengths));
  expect(maxAbsDiff(native, plain)).toBeLessThan(1e-5);
  tf.dispose([x, native, plain]);
  gru.dispose();
}

function checkNoLeaks(): void {
  const gru = makeGru(3, 4, 6);
  const x = normal(2, [3, 5, 4]) as tf.Tensor3D;
  const lengths = [5, 2, 4];
  const run = () => {
    tf.dispose([gru.apply(x, lengths), gru.final(x, lengths)]);
    const { value, grads } = tf.variableGrads(() => tf.sum(gru.apply(x, lengths, 'native')) as tf.Scalar, gru.variables());
    tf.dispose([value, ...Object.values(grads)]);
  };
  run();
  const before = tf.memory().numTensors;
  run();
  expect(tf.memory().numTensors).toBe(before);
  x.dispose();
  gru.dispose();
}

function suite(backend: string): void {
  test.each(CASES)('values equal the tfjs path: $name', (c) => {
    expect(tf.getBackend()).toBe(backend);
    checkValues(c);
  });
  test.each(CASES)('gradients equal the fused backward: $name', (c) => {
    expect(tf.getBackend()).toBe(backend);
    checkGradients(c);
  });
  test('a new value of the recurrent weights is used at once', () => {
    expect(tf.getBackend()).toBe(backend);
    checkWeightUpdate();
  });
  test('no tensor left behind (inference and gradients)', () => {
    expect(tf.getBackend()).toBe(backend);
    checkNoLeaks();
  });
  test('past the memory bound the tfjs path runs (training: the backward pass must fit too)', () => {
    expect(nativeRecurrenceUsable(25, 32, 150, true)).toBe(true);
    // 1,000 steps × 25 sequences × 150 units: inference needs ~120 MB, the forward pass that keeps
    // its gates ~240 MB, the backward pass ~270 MB (over the 256 MB bound).
    expect(nativeRecurrenceUsable(1000, 25, 150, false)).toBe(true);
    expect(nativeRecurrenceUsable(1000, 25, 150, true)).toBe(false);
    expect(nativeRecurrenceUsable(4000, 25, 150, false)).toBe(false);
  });
  test('bad lengths and shapes are refused by name', () => {
    const xp = tf.zeros([1, 2, 24]);
    const U = tf.zeros([3, 2, 4, 4]) as tf.Tensor4D;
    const bn = tf.zeros([2, 1, 4]) as tf.Tensor3D;
    expect(() => tf.engine().runKernel(GRU_FORWARD, { xp, U, bn }, { lengths: [3], save: false })).toThrow(/attrs.lengths must hold 1 integers in 0..2/);
    const wrong = tf.zeros([1, 2, 20]);
    expect(() => tf.engine().runKernel(GRU_FORWARD, { xp: wrong, U, bn }, { lengths: [2], save: false })).toThrow(/TrimodGruForward: expects U \[3, 2, H, H\] and an input \[N, L, 6·H\], got U \[3,2,4,4\] and \[1,2,20\]/);
    tf.dispose([xp, wrong, U, bn]);
  });
}

describe('native GRU recurrence', () => {
  test('the module compiles in Node', () => {
    expect(nativeGru()).not.toBeNull();
  });

  test('the asynchronous compile (what browsers use) gives a working module', async () => {
    let fresh: typeof import('../src/gru/native/gru-module') | undefined;
    // A fresh copy of the module, not yet compiled by the tests above.
    await jest.isolateModulesAsync(async () => {
      fresh = await import('../src/gru/native/gru-module');
    });
    expect(await fresh!.nativeGruReady()).toBe(true);
    const wasm = fresh!.nativeGru()!;
    expect(fresh!.nativeGruError()).toBeNull();
    // The instance works: packing a 1-direction, 1-unit U puts its three gates 4 columns apart.
    const base = wasm.heapBase();
    // The module may start with no memory at all (it has no data); callers grow it as they need.
    if (wasm.memory.buffer.byteLength < base + 128) wasm.memory.grow(1);
    new Float32Array(wasm.memory.buffer, base, 3).set([2, 3, 5]);
    wasm.packWeights(base, base + 64, 1, 1, 4);
    expect(Array.from(new Float32Array(wasm.memory.buffer, base + 64, 12))).toEqual([2, 0, 0, 0, 3, 0, 0, 0, 5, 0, 0, 0]);
  });

  describe('cpu', () => {
    beforeAll(async () => {
      await useCpuBackend();
    });
    suite('cpu');
  });

  describe('wasm', () => {
    beforeAll(async () => {
      setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
      expect(await tf.setBackend('wasm')).toBe(true);
    });
    afterAll(async () => {
      await useCpuBackend();
    });
    suite('wasm');
  });
});
