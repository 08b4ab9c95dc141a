/**
 * The Bi-GRU's WGSL kernels (src/gru/webgpu/) on the webgpu backend against the plain tfjs
 * recurrence on cpu: outputs and final states without a tape, gradients of every weight and of
 * the input under one, for padded batches with an empty sequence, batch 1, and hidden sizes that
 * are not multiples of 4 or 32. Prints one JSON line. Run in a child process by
 * webgpu.test.ts: Dawn is an ESM native module that jest cannot load, and a lost GPU device must
 * not take the test runner down.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initBackend, SeededRandom } from '@trimod/core';
import { BiGru } from '../../src/gru/bi-gru';
import { nativeRecurrenceUsable, setNativeRecurrence } from '../../src/gru/native-recurrence';
import { GRU_BACKWARD, GRU_FORWARD } from '../../src/gru/native/gru-kernels';
import { maxBindingBytes } from '../../src/gru/webgpu/gru-webgpu-kernels';

interface Case {
  name: string;
  N: number;
  L: number;
  Din: number;
  H: number;
  lengths: number[];
}

const CASES: Case[] = [
  { name: 'padded batch with an empty sequence, H 5', N: 6, L: 9, Din: 4, H: 5, lengths: [9, 3, 1, 9, 0, 2] },
  { name: 'batch 1', N: 1, L: 7, Din: 3, H: 8, lengths: [7] },
  { name: 'batch 1 with padding, H 6', N: 1, L: 7, Din: 3, H: 6, lengths: [4] },
  { name: 'H 37 (above one 32-wide workgroup)', N: 5, L: 8, Din: 6, H: 37, lengths: [8, 2, 5, 8, 1] },
  { name: 'H 300 (two units per thread)', N: 3, L: 5, Din: 4, H: 300, lengths: [5, 3, 1] },
];

function normal(seed: number, shape: number[], scale = 1): tf.Tensor {
  return tf.tensor(new SeededRandom(seed).normalArray(shape.reduce((a, b) => a * b, 1), scale), shape);
}

function makeGru(c: Case): BiGru {
  const gru = new BiGru('g', c.Din, c.H, new SeededRandom(c.N * 31 + c.H));
  // The biases start at zero; give them values so the comparison covers them.
  gru.recurrentBias.assign(normal(c.H + 1, [2, c.H], 0.5) as tf.Tensor2D);
  gru.bias.assign(normal(c.H + 2, [6 * c.H], 0.5) as tf.Tensor1D);
  return gru;
}

type Values = Record<string, Float32Array>;

/** Everything compared, on the active backend: with `kernel` the WGSL kernels (impl 'native'), else the tfjs recurrence. */
async function run(c: Case, kernel: boolean): Promise<{ values: Values; kernels: string[] }> {
  setNativeRecurrence(kernel);
  const gru = makeGru(c);
  const x = normal(c.L, [c.N, c.L, c.Din]) as tf.Tensor3D;
  const weights = normal(c.L + 2, [c.N, c.L, 2 * c.H]);
  const finalWeights = normal(c.L + 3, [c.N, 2 * c.H]);
  const finalLengths = c.lengths.map((len) => Math.max(1, len));
  const impl = kernel ? 'native' : 'fused';
  const loss = (input: tf.Tensor3D) =>
    tf.add(tf.sum(tf.mul(gru.apply(input, c.lengths, impl), weights)), tf.sum(tf.mul(gru.final(input, finalLengths, impl), finalWeights))) as tf.Scalar;
  const values: Values = {};
  const kernels = new Set<string>();
  const profile = await tf.profile(async () => {
    const out = gru.apply(x, c.lengths);
    const fin = gru.final(x, finalLengths);
    const { value, grads } = tf.variableGrads(() => loss(x), gru.variables());
    const dx = tf.grad((input: tf.Tensor) => loss(input as tf.Tensor3D))(x);
    const byWeight = Object.fromEntries(Object.entries(gru.namedWeights()).map(([name, v]) => [name, grads[v.name]]));
    const named: Record<string, tf.Tensor> = { out, final: fin, loss: value, dx, ...byWeight };
    for (const [name, t] of Object.entries(named)) values[name] = (await t.data()) as Float32Array;
    tf.dispose(Object.values(named));
  });
  for (const k of profile.kernels) kernels.add(k.name);
  tf.dispose([x, weights, finalWeights]);
  gru.dispose();
  return { values, kernels: [...kernels] };
}

/** Largest absolute difference, and the largest relative to the reference's scale (at least 1). */
function compare(a: Float32Array, b: Float32Array): { abs: number; rel: number; scale: number } {
  if (a.length !== b.length) return { abs: Infinity, rel: Infinity, scale: 0 };
  let abs = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    abs = Math.max(abs, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return { abs, rel: abs / Math.max(1, scale), scale };
}

/** Repeated calls on webgpu leave no tensor behind. */
function leaks(): number {
  const c = CASES[0];
  const gru = makeGru(c);
  const x = normal(2, [c.N, c.L, c.Din]) as tf.Tensor3D;
  const once = () => {
    tf.dispose([gru.apply(x, c.lengths), gru.final(x, c.lengths.map((len) => Math.max(1, len)))]);
    const { value, grads } = tf.variableGrads(() => tf.sum(gru.apply(x, c.lengths, 'native')) as tf.Scalar, gru.variables());
    tf.dispose([value, ...Object.values(grads)]);
  };
  once();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) once();
  const grown = tf.memory().numTensors - before;
  tf.dispose(x);
  gru.dispose();
  return grown;
}

async function main(): Promise<void> {
  const info = await initBackend('webgpu');
  const onGpu: Record<string, { values: Values; kernels: string[] }> = {};
  for (const c of CASES) onGpu[c.name] = await run(c, true);
  // A training call binds 5·N·L·2·H floats at most: the longest L within the device's limit, and one more.
  const fits = Math.floor(maxBindingBytes() / (5 * 2 * 8 * 4));
  const usable = {
    H1024: nativeRecurrenceUsable(4, 2, 1024, true),
    H1025: nativeRecurrenceUsable(4, 2, 1025, true),
    atBindingLimit: nativeRecurrenceUsable(fits, 1, 8, true),
    pastBindingLimit: nativeRecurrenceUsable(fits + 1, 1, 8, true),
    N65535: nativeRecurrenceUsable(2, 65535, 8, false),
    N65536: nativeRecurrenceUsable(2, 65536, 8, false),
  };
  const leaked = leaks();
  await tf.setBackend('cpu');
  const cases = [];
  for (const c of CASES) {
    const ref = await run(c, false);
    const gpu = onGpu[c.name];
    const diffs = Object.fromEntries(Object.keys(ref.values).map((k) => [k, compare(gpu.values[k] ?? new Float32Array(0), ref.values[k])]));
    cases.push({ name: c.name, kernels: gpu.kernels.filter((k) => k === GRU_FORWARD || k === GRU_BACKWARD), diffs });
  }
  process.stdout.write(JSON.stringify({ adapter: info.adapter, usable, leaked, cases }) + '\n');
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) }) + '\n');
  process.exitCode = 1;
});
