import * as tf from '@tensorflow/tfjs-core';
import '../src/tfjs-setup';
import { initBackend } from '../src/backends';
import { wrapWasmBatchMatMul } from '../src/kernels/batch-matmul-wasm';
import { SeededRandom } from '../src/random';

// The wrapper copies transposed operands before wasm's BatchMatMul (10x faster there); it must
// give the same numbers as the cpu backend for every transpose combination and batch rank.
const rng = new SeededRandom(21);
const values = (shape: number[]) => rng.normalArray(shape.reduce((a, b) => a * b, 1), 1);

async function on(backend: 'cpu' | 'wasm', fn: () => tf.Tensor): Promise<Float32Array> {
  await initBackend(backend);
  const t = fn();
  const out = (await t.data()) as Float32Array;
  t.dispose();
  return out;
}

describe('wasm BatchMatMul with explicit transposes', () => {
  const cases: Array<[string, number[], number[], boolean, boolean]> = [
    ['aT·b', [7, 5], [7, 3], true, false],
    ['a·bT', [5, 7], [3, 7], false, true],
    ['aT·bT', [7, 5], [3, 7], true, true],
    ['batched aT·b', [2, 7, 5], [2, 7, 3], true, false],
    ['batched a·bT', [2, 5, 7], [2, 3, 7], false, true],
  ];
  it.each(cases)('%s equals the cpu backend', async (_name, sa, sb, ta, tb) => {
    const [va, vb] = [values(sa), values(sb)];
    const run = () => tf.tidy(() => tf.matMul(tf.tensor<tf.Rank>(va, sa) as tf.Tensor2D, tf.tensor<tf.Rank>(vb, sb) as tf.Tensor2D, ta, tb));
    const cpu = await on('cpu', run);
    const wasm = await on('wasm', run);
    expect(wasm.length).toBe(cpu.length);
    for (let i = 0; i < cpu.length; i++) expect(Math.abs(wasm[i] - cpu[i])).toBeLessThan(1e-4);
  });

  it('is installed once (initBackend wraps it; a second wrap is refused) and frees its copies', async () => {
    await initBackend('wasm');
    expect(wrapWasmBatchMatMul()).toBe(false);
    const a = tf.tensor2d(values([6, 4]), [6, 4]);
    const b = tf.tensor2d(values([6, 3]), [6, 3]);
    tf.matMul(a, b, true, false).dispose();
    const before = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    for (let i = 0; i < 5; i++) tf.matMul(a, b, true, false).dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.memory().numBytes).toBe(bytes);
    tf.dispose([a, b]);
  });
});
