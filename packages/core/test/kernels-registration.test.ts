/**
 * registerTrainingKernels: safe before a backend is registered, idempotent, covers a backend
 * registered later, replaces the slow cpu UnsortedSegmentSum, and leaves gradients that are
 * already registered alone. This file imports the wasm backend only part-way through on purpose.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerTrainingKernels } from '../src/kernels';
import { trainingGradientConfigs } from '../src/kernels/gradients';
import { unsortedSegmentSumCpuConfig } from '../src/kernels/unsorted-segment-sum-kernels';

/** Stand-ins for gradients registered before us (e.g. tfjs's own, loaded by tfjs-setup). */
const sentinel = (kernelName: string): tf.GradConfig => ({
  kernelName,
  gradFunc: () => {
    throw new Error(`sentinel ${kernelName}`);
  },
});
const sentinelSumGradient = sentinel(tf.Sum);
const sentinelMatMulGradient = sentinel(tf.BatchMatMul);

describe('registerTrainingKernels', () => {
  let first: string[] = [];

  beforeAll(() => {
    tf.registerGradient(sentinelSumGradient);
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

  test('registers every missing gradient, leaves a sound existing one alone and replaces a known-wrong one', () => {
    expect(tf.getGradient(tf.Sum)).toBe(sentinelSumGradient);
    expect(first).not.toContain('grad:Sum');
    // tfjs's BatchMatMul gradient fails on broadcast batch dims, so ours replaces it.
    expect(tf.getGradient(tf.BatchMatMul)).not.toBe(sentinelMatMulGradient);
    expect(first).toContain('grad:BatchMatMul');
    for (const { kernelName } of trainingGradientConfigs) {
      if (kernelName === tf.Sum) continue;
      expect(first).toContain(`grad:${kernelName}`);
      expect(tf.getGradient(kernelName)).toBeDefined();
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
