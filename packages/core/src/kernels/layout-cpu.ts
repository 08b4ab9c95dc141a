/**
 * Slice, SplitV, Unpack and Transpose for the cpu backend on block copies (strided-copy.ts).
 * Same results as tfjs-backend-cpu's; contiguous slices stay zero-copy views, as there.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, Slice, slice_util, SplitV, Transpose, Unpack, util } from '@tensorflow/tfjs-core';
import type { CpuBackendView } from './backend-views';
import { copySlice, copyTransposed, flatOffset, type FlatValues, isContiguousSlice } from './strided-copy';

function valuesOf(backend: CpuBackendView, x: TensorInfo, kernel: string): FlatValues {
  if (x.dtype === 'complex64') throw new Error(`${kernel} (cpu): complex64 tensors are not supported`);
  return backend.readSync(x.dataId) as unknown as FlatValues;
}

function emptyLike(dtype: TensorInfo['dtype'], size: number): FlatValues {
  return dtype === 'string' ? new Array<Uint8Array>(size) : util.getTypedArrayFromDType(dtype as 'float32', size);
}

/** One box of x as a new tensor (a view when the box is one contiguous range). */
function sliceBox(backend: CpuBackendView, x: TensorInfo, values: FlatValues, begin: number[], size: number[]): TensorInfo {
  const n = util.sizeFromShape(size);
  if (ArrayBuffer.isView(values) && isContiguousSlice(x.shape, begin, size)) {
    const start = flatOffset(x.shape, begin);
    const view = (values as unknown as Float32Array).subarray(start, start + n);
    return backend.makeTensorInfo(size, x.dtype, view);
  }
  const out = emptyLike(x.dtype, n);
  copySlice(values, x.shape, begin, size, out);
  return backend.makeTensorInfo(size, x.dtype, out as unknown as Float32Array);
}

interface Args<I, A> {
  inputs: I;
  backend: CpuBackendView;
  attrs: A;
}

function sliceCpu({ inputs, backend, attrs }: Args<{ x: TensorInfo }, { begin: number | number[]; size?: number | number[] }>): TensorInfo {
  const { x } = inputs;
  const [begin, size] = slice_util.parseSliceParams(x, attrs.begin, attrs.size);
  slice_util.assertParamsValid(x, begin, size);
  return sliceBox(backend, x, valuesOf(backend, x, 'Slice'), begin, size);
}

function splitVCpu({ inputs, backend, attrs }: Args<{ x: TensorInfo }, { numOrSizeSplits: number | number[]; axis: number }>): TensorInfo[] {
  const { x } = inputs;
  const axis = util.parseAxisParam(attrs.axis, x.shape)[0];
  const sizes = backend_util.prepareSplitSize(x, attrs.numOrSizeSplits, axis);
  const values = valuesOf(backend, x, 'SplitV');
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = x.shape.slice();
    size[axis] = s;
    const piece = sliceBox(backend, x, values, begin.slice(), size);
    begin[axis] += s;
    return piece;
  });
}

function unpackCpu({ inputs, backend, attrs }: Args<{ value: TensorInfo }, { axis: number }>): TensorInfo[] {
  const { value } = inputs;
  const axis = attrs.axis < 0 ? attrs.axis + value.shape.length : attrs.axis;
  const values = valuesOf(backend, value, 'Unpack');
  const outShape = value.shape.filter((_, i) => i !== axis);
  const size = value.shape.slice();
  size[axis] = 1;
  const begin = new Array<number>(value.shape.length).fill(0);
  const pieces: TensorInfo[] = [];
  for (let i = 0; i < value.shape[axis]; i++) {
    begin[axis] = i;
    const piece = sliceBox(backend, value, values, begin, size);
    // Dropping the unit axis changes no values, so the piece's data is reused as is.
    pieces.push({ ...piece, shape: outShape });
  }
  return pieces;
}

function transposeCpu({ inputs, backend, attrs }: Args<{ x: TensorInfo }, { perm: number[] }>): TensorInfo {
  const { x } = inputs;
  const { perm } = attrs;
  const values = valuesOf(backend, x, 'Transpose');
  const outShape = perm.map((p) => x.shape[p]);
  const out = emptyLike(x.dtype, util.sizeFromShape(x.shape));
  copyTransposed(values, x.shape, perm, out);
  return backend.makeTensorInfo(outShape, x.dtype, out as unknown as Float32Array);
}

const cpu = (kernelName: string, kernelFunc: unknown): KernelConfig => ({
  kernelName,
  backendName: 'cpu',
  kernelFunc: kernelFunc as KernelFunc,
});

export const sliceCpuConfig = cpu(Slice, sliceCpu);
export const splitVCpuConfig = cpu(SplitV, splitVCpu);
export const unpackCpuConfig = cpu(Unpack, unpackCpu);
export const transposeCpuConfig = cpu(Transpose, transposeCpu);
