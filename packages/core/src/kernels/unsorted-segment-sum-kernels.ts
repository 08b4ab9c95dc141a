/** UnsortedSegmentSum kernels for the cpu and wasm backends, both on `accumulateSegments`. */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { UnsortedSegmentSum } from '@tensorflow/tfjs-core';
import type { CpuBackendView, WasmBackendView } from './backend-views';
import { accumulateSegments, planSegmentSum } from './unsorted-segment-sum';

interface SegmentSumArgs {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  attrs: { numSegments: number };
}

function unsortedSegmentSumCpu(args: SegmentSumArgs & { backend: CpuBackendView }): TensorInfo {
  const { x, segmentIds } = args.inputs;
  const plan = planSegmentSum(x, segmentIds, args.attrs.numSegments);
  const out = plan.dtype === 'float32' ? new Float32Array(plan.numSegments * plan.innerSize) : new Int32Array(plan.numSegments * plan.innerSize);
  const xValues = args.backend.readSync(x.dataId) as Float32Array | Int32Array;
  const ids = args.backend.readSync(segmentIds.dataId) as Int32Array;
  accumulateSegments(xValues, ids, plan.numSegments, plan.innerSize, out);
  return args.backend.makeTensorInfo(plan.outShape, plan.dtype, out);
}

function unsortedSegmentSumWasm(args: SegmentSumArgs & { backend: WasmBackendView }): TensorInfo {
  const { x, segmentIds } = args.inputs;
  const { backend } = args;
  const plan = planSegmentSum(x, segmentIds, args.attrs.numSegments);
  const out = backend.makeOutput(plan.outShape, plan.dtype);
  // Views only after the allocation above: a heap growth would have detached earlier ones.
  const outValues = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  outValues.fill(0);
  accumulateSegments(
    backend.typedArrayFromHeap(x),
    backend.typedArrayFromHeap(segmentIds),
    plan.numSegments,
    plan.innerSize,
    outValues,
  );
  return out;
}

export const unsortedSegmentSumCpuConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'cpu',
  kernelFunc: unsortedSegmentSumCpu as unknown as KernelFunc,
};

export const unsortedSegmentSumWasmConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumWasm as unknown as KernelFunc,
};
