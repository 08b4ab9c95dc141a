import * as tf from '@tensorflow/tfjs-core';
import '../src/tfjs-setup';
import { initBackend } from '../src/backends';
import { isNode } from '../src/env';

describe('initBackend in Node', () => {
  it('knows it runs in Node', () => {
    expect(isNode()).toBe(true);
  });

  it('starts cpu on request', async () => {
    const info = await initBackend('cpu');
    expect(info).toMatchObject({ backend: 'cpu', skipped: [], runtime: 'node' });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('starts wasm on request and reports SIMD / threads', async () => {
    const info = await initBackend('wasm');
    expect(info.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(typeof info.wasm?.simd).toBe('boolean');
    expect(typeof info.wasm?.threads).toBe('boolean');
    const y = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])));
    expect(await y.data()).toEqual(new Float32Array([11]));
    y.dispose();
  });

  it('registers the training kernels: an embedding gradient works on wasm', async () => {
    await initBackend('wasm');
    const table = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, tf.tensor1d([0, 2, 2], 'int32'))))(table);
    expect(Array.from(await g.data())).toEqual([1, 1, 0, 0, 2, 2]);
    tf.dispose([table, g]);
  });

  it('auto falls back past webgpu with a reason when no adapter can be used', async () => {
    const info = await initBackend('auto');
    if (info.backend === 'webgpu') {
      // A machine with a usable adapter: nothing was skipped.
      expect(info.skipped).toEqual([]);
      expect(info.adapter).toBeDefined();
    } else {
      expect(info.backend).toBe('wasm');
      expect(info.skipped[0].backend).toBe('webgpu');
      expect(info.skipped[0].reason.length).toBeGreaterThan(10);
    }
  });

  it('rejects an unknown backend name clearly', async () => {
    await expect(initBackend('tpu' as never)).rejects.toThrow(/unknown backend "tpu"/);
  });

  it('says why webgl cannot start in Node', async () => {
    await expect(initBackend('webgl')).rejects.toThrow(/webgl needs a browser/);
  });
});
