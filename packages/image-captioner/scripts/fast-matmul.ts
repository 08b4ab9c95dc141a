/**
 * Training-only speed-up for the wasm backend: its BatchMatMul is many times slower when asked
 * to transpose an operand (every weight gradient, xᵀ·dy, does) than on plain operands. This
 * wraps the kernel so a transposed operand is first copied by the (fast) Transpose kernel.
 * Call after the wasm backend is active.
 */
import * as tf from '@tensorflow/tfjs-core';

type KernelArgs = Parameters<tf.KernelFunc>[0];

export function useExplicitTransposeMatMul(): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose) return false;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    kernelFunc: (args: KernelArgs) => {
      const { inputs, attrs } = args;
      const backend = args.backend as tf.KernelBackend;
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return original.kernelFunc(args);
      const swap = (x: tf.TensorInfo): tf.TensorInfo => {
        const perm = x.shape.map((_, i) => i);
        const r = perm.length;
        [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
        return transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
      };
      const a = transposeA ? swap(inputs['a'] as tf.TensorInfo) : (inputs['a'] as tf.TensorInfo);
      const b = transposeB ? swap(inputs['b'] as tf.TensorInfo) : (inputs['b'] as tf.TensorInfo);
      const out = original.kernelFunc({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
      if (transposeA) backend.disposeData(a.dataId);
      if (transposeB) backend.disposeData(b.dataId);
      return out;
    },
  });
  return true;
}
