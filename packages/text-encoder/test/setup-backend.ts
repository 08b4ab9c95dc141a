import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as core from '@trimod/core';

/**
 * Tests run on the cpu backend. If core provides extra training kernels (gather gradients for
 * backends that lack them), register them as the rest of the project does.
 */
export async function useCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
  const register = (core as Record<string, unknown>).registerTrainingKernels;
  if (typeof register === 'function') register();
}

/** Largest absolute difference between two tensors' values (shapes must match). */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  return worst;
}

/** Runs `f` with a module switch (setNativeRecurrence, setSkipPadding, …) set to `on`, then restores it. */
export function withSwitch<T>(set: (on: boolean) => boolean, on: boolean, f: () => T): T {
  const before = set(on);
  try {
    return f();
  } finally {
    set(before);
  }
}
