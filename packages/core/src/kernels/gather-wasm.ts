/**
 * GatherV2 for the wasm backend. tfjs-backend-wasm 4.22's C++ Gather picks the wrong indices
 * when batchDims > 0 and rows are longer than one value: gather(x [2, 4, 3], idx [2, 3], axis 1,
 * batchDims 1) takes batch 1's rows from the wrong positions. Every output row is a contiguous
 * run of x, so plain row copies are as fast as the native kernel (an embedding lookup is a few
 * hundred copies of D floats).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, GatherV2, util } from '@tensorflow/tfjs-core';
import type { WasmBackendView } from './backend-views';

interface GatherArgs {
  inputs: { x: TensorInfo; indices: TensorInfo };
  backend: WasmBackendView;
  attrs: { axis: number; batchDims: number };
}

function gatherWasm({ inputs, backend, attrs }: GatherArgs): TensorInfo {
  const { x, indices } = inputs;
  if (x.dtype === 'string' || x.dtype === 'complex64') {
    throw new Error(`GatherV2 (wasm): ${x.dtype} tensors are not supported`);
  }
  const axis = util.parseAxisParam(attrs.axis, x.shape)[0];
  const info = backend_util.segment_util.collectGatherOpShapeInfo(x, indices, axis, attrs.batchDims ?? 0);
  const { batchSize, outerSize, dimSize, sliceSize } = info;
  const numIndices = util.sizeFromShape(indices.shape) / batchSize;

  const out = backend.makeOutput(info.outputShape, x.dtype);
  if (util.sizeFromShape(info.outputShape) === 0) return out;
  // Views only after the allocation above (heap growth detaches earlier views).
  const xv = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(indices);
  const ov = backend.typedArrayFromHeap(out);
  for (let i = 0; i < ids.length; i++) {
    if (!(ids[i] >= 0 && ids[i] < dimSize)) {
      backend.disposeData(out.dataId);
      throw new Error(`GatherV2: the index value ${ids[i]} is not in [0, ${dimSize - 1}]`);
    }
  }
  // Rows are copied with copyWithin on one view of the whole heap (x and out both live there):
  // a memmove per row, without the subarray view `set` would need for each (garbage that cost
  // a twentieth of inference in tagging's many-row gathers).
  const heap = new (xv.constructor as Float32ArrayConstructor)(xv.buffer);
  const from = xv.byteOffset / xv.BYTES_PER_ELEMENT;
  const to = ov.byteOffset / ov.BYTES_PER_ELEMENT;
  let dst = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let o = 0; o < outerSize; o++) {
      const rowBase = (b * outerSize + o) * dimSize;
      for (let j = 0; j < numIndices; j++) {
        const src = (rowBase + ids[b * numIndices + j]) * sliceSize;
        if (sliceSize === 1) ov[dst] = xv[src];
        else heap.copyWithin(to + dst, from + src, from + src + sliceSize);
        dst += sliceSize;
      }
    }
  }
  return out;
}

export const gatherWasmConfig: KernelConfig = {
  kernelName: GatherV2,
  backendName: 'wasm',
  kernelFunc: gatherWasm as unknown as KernelFunc,
};
