/**
 * One call that makes training work, and run fast, on the cpu and wasm backends: registers our
 * gradients for the kernels tfjs has none for and over the tfjs ones that are wrong (gradients/;
 * tfjs's own gradients come from tfjs-setup.ts), and the kernels training needs that the backends
 * lack, get wrong or run slowly. initBackend calls it after choosing a backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { adamKernelConfigs } from './adam-kernels';
import { wrapWasmBatchMatMul } from './batch-matmul-wasm';
import { conv2DBackpropFilterWasmConfig } from './conv2d-backprop-filter-wasm';
import { gatherWasmConfig } from './gather-wasm';
import { registerTrainingGradients } from './gradients';
import { sliceCpuConfig, splitVCpuConfig, transposeCpuConfig, unpackCpuConfig } from './layout-cpu';
import { oneHotWasmConfig } from './one-hot-wasm';
import { unsortedSegmentSumCpuConfig, unsortedSegmentSumWasmConfig } from './unsorted-segment-sum-kernels';

interface TrainingKernel {
  config: tf.KernelConfig;
  /** Replace the backend's own kernel (it is too slow or wrong), rather than only filling a gap. */
  replaceExisting: boolean;
}

const TRAINING_KERNELS: readonly TrainingKernel[] = [
  // cpu has one, but it builds a mask per segment: ~6 s of an 8 s BiGRU step with a 5k vocabulary.
  { config: unsortedSegmentSumCpuConfig, replaceExisting: true },
  // cpu has these, but map every element through index arrays when a slice is not one
  // contiguous range (unstack over time, gate splits): about a third of the cpu step in
  // scripts/bench-train-step.ts once UnsortedSegmentSum is fixed.
  { config: sliceCpuConfig, replaceExisting: true },
  { config: splitVCpuConfig, replaceExisting: true },
  { config: unpackCpuConfig, replaceExisting: true },
  { config: transposeCpuConfig, replaceExisting: true },
  { config: unsortedSegmentSumWasmConfig, replaceExisting: false },
  { config: conv2DBackpropFilterWasmConfig, replaceExisting: false },
  // wasm has one, but it ignores the dtype attribute (float32 one-hots come out as garbage).
  { config: oneHotWasmConfig, replaceExisting: true },
  // wasm has one, but with batchDims > 0 it reads the wrong indices for all but the first batch.
  { config: gatherWasmConfig, replaceExisting: true },
  // Our own (no backend has them): Adam's update in one pass per variable, and clipping's norm.
  ...adamKernelConfigs.map((config) => ({ config, replaceExisting: false })),
];

/** What this module has registered so far, as 'backend:Kernel' and 'grad:Kernel'. */
const registered = new Set<string>();

function isOurs(config: tf.KernelConfig): boolean {
  return tf.getKernel(config.kernelName, config.backendName)?.kernelFunc === config.kernelFunc;
}

/**
 * Registers the training kernels for every backend that is registered with tfjs now (a backend
 * imported later is covered by calling this again), and our gradients (gradients/index.ts).
 * Idempotent: a repeat call changes nothing. Returns everything registered so far, sorted:
 * kernels as 'wasm:UnsortedSegmentSum', gradients as 'grad:TopK'.
 */
export function registerTrainingKernels(): string[] {
  for (const name of registerTrainingGradients()) registered.add(`grad:${name}`);
  for (const { config, replaceExisting } of TRAINING_KERNELS) {
    const { kernelName, backendName } = config;
    // Registering for a backend tfjs does not know yet would be overwritten (cpu) or is
    // pointless (wasm) when that backend's package registers its own kernels on import.
    if (tf.findBackendFactory(backendName) == null || isOurs(config)) continue;
    if (tf.getKernel(kernelName, backendName) != null) {
      if (!replaceExisting) continue;
      tf.unregisterKernel(kernelName, backendName);
    }
    tf.registerKernel(config);
    registered.add(`${backendName}:${kernelName}`);
  }
  // A wrapper of the backend's own kernel (not a static config): transposed operands copied first.
  if (tf.findBackendFactory('wasm') != null && wrapWasmBatchMatMul()) registered.add('wasm:BatchMatMul');
  return [...registered].sort();
}
