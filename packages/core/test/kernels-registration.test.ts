/**
 * registerTrainingKernels: safe before a backend is registered, idempotent, covers a backend
 * registered later, replaces the slow cpu UnsortedSegmentSum, and of the gradients already
 * registered, leaves those it only fills gaps for alone and replaces the known-wrong ones. This
 * file imports the wasm backend only part-way through on purpose, and does not load tfjs's own
 * gradients (sentinels stand in for them).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerTrainingKernels } from '../src/kernels';
import { trainingGradientConfigs } from '../src/kernels/gradients';
import { unsortedSegmentSumCpuConfig } from '../src/kernels/unsorted-segment-sum-kernels';

/** Stand-ins for gradients registered before us (tfjs's own, or a later tfjs's new ones). */
const sentinel = (kernelName: string): tf.GradConfig => ({
  kernelName,
  gradFunc: () => {
    throw new Error(`sentinel ${kernelName}`);
  },
});
const sentinelTopKGradient = sentinel(tf.TopK);
const sentinelMatMulGradient = sentinel(tf.BatchMatMul);

describe('registerTrainingKernels', () => {
  let first: string[] = [];

  beforeAll(() => {
    tf.registerGradient(sentinelTopKGradient);
    tf.registerGradient(sentinelMatMulGradient);
    first = registerTrainingKernels();
  });

  test('with only the cpu backend registered, registers cpu kernels and no wasm ones', () => {
    expect(tf.findBackendFactory('wasm')).toBeNull();
    expect(first).toContain('cpu:UnsortedSegmentSum');
    expect(first.filter((name) => name.startsWith('wasm:'))).toEqual([]);
    expect(tf.getKernel(tf.UnsortedSegmentSum, 'wasm')).toBeUndefined();
  });

  test("replaces the cpu backend's own UnsortedSegmentSum", () => {
    expect(tf.getKernel(tf.UnsortedSegmentSum, 'cpu')?.kernelFunc).toBe(unsortedSegmentSumCpuConfig.kernelFunc);
  });

  test('registers every missing gradient, leaves an existing one for a gap we fill alone and replaces a known-wrong one', () => {
    // Ours for TopK only fills a gap: a gradient already there (a later tfjs's) wins.
    expect(tf.getGradient(tf.TopK)).toBe(sentinelTopKGradient);
    expect(first).not.toContain('grad:TopK');
    // tfjs's BatchMatMul gradient fails on broadcast batch dims, so ours replaces it.
    expect(tf.getGradient(tf.BatchMatMul)).not.toBe(sentinelMatMulGradient);
    expect(first).toContain('grad:BatchMatMul');
    for (const config of trainingGradientConfigs) {
      if (config.kernelName === tf.TopK) continue;
      expect(first).toContain(`grad:${config.kernelName}`);
      expect(tf.getGradient(config.kernelName)).toBe(config);
    }
  });

  test('a repeat call leaves the registry as it was and returns the same list', () => {
    const kernel = tf.getKernel(tf.UnsortedSegmentSum, 'cpu');
    const gradients = trainingGradientConfigs.map((g) => tf.getGradient(g.kernelName));
    expect(registerTrainingKernels()).toEqual(first);
    expect(tf.getKernel(tf.UnsortedSegmentSum, 'cpu')).toBe(kernel);
    expect(trainingGradientConfigs.map((g) => tf.getGradient(g.kernelName))).toEqual(gradients);
  });

  test('a backend registered later gets its kernels on the next call', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-backend-wasm');
    expect(tf.findBackendFactory('wasm')).not.toBeNull();
    const later = registerTrainingKernels();
    expect(later).toEqual(
      expect.arrayContaining(['wasm:UnsortedSegmentSum', 'wasm:Conv2DBackpropFilter', 'wasm:OneHot', 'cpu:UnsortedSegmentSum']),
    );
    expect(tf.getKernel(tf.UnsortedSegmentSum, 'wasm')).toBeDefined();
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBeDefined();
  });
});
