/**
 * The few backend methods our kernels use, typed structurally so the kernels depend on neither
 * backend package at runtime (both backends are optional at the call site).
 */
import type { backend_util, DataId, DataType, TensorInfo } from '@tensorflow/tfjs-core';

/** tfjs-backend-cpu's MathBackendCPU: tensors live in JS typed arrays. */
export interface CpuBackendView {
  readSync(dataId: DataId): backend_util.BackendValues;
  makeTensorInfo(shape: number[], dtype: DataType, values?: backend_util.BackendValues): TensorInfo;
}

/** tfjs-backend-wasm's BackendWasm: tensors live on the wasm heap. */
export interface WasmBackendView {
  /** Allocates an output on the heap (uninitialised memory). May grow the heap, which detaches
   * every typed-array view taken before: take views only after the last allocation. */
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  /** A live view of a tensor's heap memory. */
  typedArrayFromHeap(info: TensorInfo): backend_util.TypedArray;
  disposeData(dataId: DataId): boolean;
}
