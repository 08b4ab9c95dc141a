/**
 * OneHot for the wasm backend. tfjs-backend-wasm 4.22's kernel always writes int32 values, so
 * `tf.oneHot(ids, n, 1, 0, 'float32')` on wasm returns denormal garbage (1 reads as 1.4e-45).
 * This one writes the requested dtype. Indices outside [0, depth) give a row of offValue.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { OneHot } from '@tensorflow/tfjs-core';
import type { WasmBackendView } from './backend-views';

interface OneHotArgs {
  inputs: { indices: TensorInfo };
  backend: WasmBackendView;
  attrs: { depth: number; onValue: number; offValue: number; dtype: 'float32' | 'int32' | 'bool' };
}

function oneHotWasm({ inputs, backend, attrs }: OneHotArgs): TensorInfo {
  const { indices } = inputs;
  const { depth, onValue, offValue, dtype } = attrs;
  if (!Number.isInteger(depth) || depth < 0) {
    throw new Error(`OneHot (wasm): depth must be a non-negative integer, got ${depth}`);
  }
  const out = backend.makeOutput([...indices.shape, depth], dtype);
  // Views only after the allocation above (heap growth detaches earlier views).
  const values = backend.typedArrayFromHeap(out);
  const ids = backend.typedArrayFromHeap(indices);
  values.fill(offValue);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id >= 0 && id < depth) values[i * depth + id] = onValue;
  }
  return out;
}

export const oneHotWasmConfig: KernelConfig = {
  kernelName: OneHot,
  backendName: 'wasm',
  kernelFunc: oneHotWasm as unknown as KernelFunc,
};
