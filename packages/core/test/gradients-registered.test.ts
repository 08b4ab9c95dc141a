/**
 * Guards against dead gradients in src/kernels/gradients: once @trimod/core is imported (tfjs's own
 * gradients registered by tfjs-setup) and a backend initialised, every config we provide must be
 * the one registered for its kernel. One that is not is shadowed by tfjs's own (e.g. a later tfjs
 * added a gradient for a kernel we fill), so it is never used and should be deleted.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src';
import { trainingGradientConfigs } from '../src/kernels/gradients';

describe('our training gradients after initBackend', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  test("tfjs-core's own gradients are registered (those ours must not duplicate)", () => {
    expect(tf.getGradient(tf.Sum)).toBeDefined();
  });

  test('every config in trainingGradientConfigs is the registered gradient of its kernel', () => {
    const shadowed = trainingGradientConfigs
      .filter((config) => tf.getGradient(config.kernelName) !== config)
      .map((config) => config.kernelName);
    expect(shadowed).toEqual([]);
    expect(trainingGradientConfigs.length).toBeGreaterThan(0);
  });

  test('each kernel appears once', () => {
    const names = trainingGradientConfigs.map((config) => config.kernelName);
    expect(new Set(names).size).toBe(names.length);
  });
});
