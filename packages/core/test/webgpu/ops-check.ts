/**
 * Runs a set of ops on the webgpu backend and on cpu and prints, as one JSON line, the largest
 * difference per op. Run in a child process by webgpu.test.ts: Dawn is an ESM native module that
 * jest's module system cannot load, and a lost GPU device must not take the test runner down.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initBackend } from '../../src/index';
import { SeededRandom } from '../../src/index';

type Case = { name: string; run: () => tf.Tensor };

function cases(): Case[] {
  const rng = new SeededRandom(11);
  const t = (shape: number[], scale = 1) => tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1), scale), shape);
  const x = t([4, 6, 8]);
  const w = t([8, 12]);
  const idx = tf.tensor1d([0, 3, 3, 9, 1], 'int32');
  const table = t([10, 5]);
  return [
    { name: 'matMul', run: () => tf.matMul(tf.reshape(x, [24, 8]), w) },
    { name: 'batchMatMul', run: () => tf.matMul(x, x, false, true) },
    { name: 'gather', run: () => tf.gather(table, idx) },
    { name: 'logSumExp', run: () => tf.logSumExp(tf.mul(x, 100), 2) },
    { name: 'sigmoidTanh', run: () => tf.mul(tf.sigmoid(x), tf.tanh(x)) },
    { name: 'concatSlice', run: () => tf.slice(tf.concat([x, tf.reverse(x, 1)], 2), [1, 2, 3], [2, 3, 7]) },
    { name: 'softmax', run: () => tf.softmax(x) },
    { name: 'transposeMax', run: () => tf.max(tf.transpose(x, [2, 0, 1]), 2) },
    { name: 'gatherGrad', run: () => tf.grad((tb: tf.Tensor) => tf.sum(tf.square(tf.gather(tb, idx))))(table) },
    { name: 'matMulGrad', run: () => tf.grad((ww: tf.Tensor) => tf.sum(tf.tanh(tf.matMul(tf.reshape(x, [24, 8]), ww))))(w) },
  ];
}

async function main(): Promise<void> {
  const info = await initBackend('webgpu');
  const gpu: Record<string, number[]> = {};
  for (const c of cases()) gpu[c.name] = Array.from(await c.run().data());
  await tf.setBackend('cpu');
  const maxAbsDiff: Record<string, number> = {};
  for (const c of cases()) {
    const cpu = await c.run().data();
    const g = gpu[c.name];
    let m = g.length === cpu.length ? 0 : Infinity;
    for (let i = 0; i < cpu.length && m !== Infinity; i++) m = Math.max(m, Math.abs(cpu[i] - g[i]));
    maxAbsDiff[c.name] = m;
  }
  process.stdout.write(JSON.stringify({ adapter: info.adapter, maxAbsDiff }) + '\n');
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }) + '\n');
  process.exitCode = 1;
});
