import * as tf from '@tensorflow/tfjs-core';
import { newVariable } from '@trimod/core';
import { WeightAverage } from '../src/weight-average';
import { useCpu } from '../../../packages/image-captioner/test/helpers';

beforeAll(useCpu);

describe('WeightAverage (training: moving average of the weights)', () => {
  it('averages trainable weights only, swaps them in and out, and round-trips through a checkpoint', async () => {
    const w = { a: newVariable(new Float32Array([1, 2]), [2]), fixed: newVariable(new Float32Array([5]), [1], false) };
    const avg = new WeightAverage(w, 0.5);
    w.a.assign(tf.tensor1d([3, 6]));
    avg.update(); // 0.5 * [1, 2] + 0.5 * [3, 6] = [2, 4]
    const before = tf.memory().numTensors;
    avg.swapIn();
    expect(Array.from(w.a.dataSync())).toEqual([2, 4]);
    expect(Array.from(w.fixed.dataSync())).toEqual([5]);
    expect(() => avg.swapIn()).toThrow(/already swapped in/);
    avg.swapOut();
    expect(Array.from(w.a.dataSync())).toEqual([3, 6]);
    expect(tf.memory().numTensors).toBe(before);
    const saved = await avg.toArrays();
    expect(saved.map((s) => s.name)).toEqual(['ema:a']);
    const resumed = new WeightAverage(w, 0.5, saved);
    resumed.swapIn();
    expect(Array.from(w.a.dataSync())).toEqual([2, 4]);
    resumed.swapOut();
    expect(() => resumed.swapOut()).toThrow(/not swapped in/);
    const count = tf.memory().numTensors;
    [avg, resumed].forEach((x) => x.dispose());
    expect(tf.memory().numTensors).toBe(count - 2);
    Object.values(w).forEach((v) => v.dispose());
  });
});
