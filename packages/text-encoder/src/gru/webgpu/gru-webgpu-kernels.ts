import * as tf from '@tensorflow/tfjs-core';
import type { DataType, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { GRU_BACKWARD, GRU_FORWARD } from '../native/gru-kernels';
import { backwardProgram, biasGradientProgram, forwardProgram, MAX_WEBGPU_HIDDEN, weightGradientProgram, type GruProgram } from './gru-programs';

/**
 * TrimodGruForward and TrimodGruBackward for the webgpu backend, with the inputs, outputs and
 * attrs of the cpu/wasm kernels (native/gru-kernels.ts), so native-recurrence.ts's customGrad
 * wrapper runs them unchanged:
 * - forward: one dispatch for the whole time loop of both directions (gru-programs.ts); with
 *   `save` the program writes gates and out into one buffer (a program has one output), which
 *   two slices split;
 * - backward: U transposed (one small dispatch, so the time loop's threads read neighbouring
 *   floats), one dispatch for backpropagation through time giving dxp, then dU and dbn as
 *   reductions over positions (one dispatch each), reading the saved states and gates.
 * The backend package is not imported: the kernels only call methods of the backend object tfjs
 * hands them, so a build without webgpu carries no code of it.
 */

interface WebGpuBackendView {
  runWebGPUProgram(program: GruProgram, inputs: TensorInfo[], outputDtype: DataType): TensorInfo;
  makeTensorInfo(shape: number[], dtype: DataType, values?: Int32Array): TensorInfo;
  disposeData(dataId: object): boolean;
}

interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: WebGpuBackendView;
  attrs: NamedAttrMap;
}

const MAX_WORKGROUPS = 65535;

/** WebGPU's guaranteed maxStorageBufferBindingSize, used when the device does not say. */
const DEFAULT_BINDING_BYTES = 128 * 1024 * 1024;

/** The active webgpu device's storage-binding limit in bytes. */
export function maxBindingBytes(): number {
  const device = (tf.backend() as unknown as { device?: { limits?: { maxStorageBufferBindingSize?: number } } }).device;
  return device?.limits?.maxStorageBufferBindingSize ?? DEFAULT_BINDING_BYTES;
}

/**
 * Whether the programs take this call: H within workgroup memory, and the largest buffer one
 * binds (a training forward's gates and states, 5·N·L·2·H floats; otherwise the projection,
 * 3·N·L·2·H) within the device's storage-binding limit. Without L and N, only the first.
 */
export function webgpuGruUsable(H: number, L = 0, N = 0, withGradient = false): boolean {
  // One workgroup per sequence along the dispatch's x: at most WebGPU's guaranteed 65,535.
  if (!(H >= 1 && H <= MAX_WEBGPU_HIDDEN) || N > MAX_WORKGROUPS) return false;
  return (withGradient ? 5 : 3) * N * L * 2 * H * 4 <= maxBindingBytes();
}

function checkCall(kernel: string, main: TensorInfo, U: TensorInfo, perUnit: number, lengths: number[]): { N: number; L: number; H: number } {
  const [N, L] = main.shape;
  const H = U.shape[2];
  if (U.shape.length !== 4 || U.shape[0] !== 3 || U.shape[1] !== 2 || U.shape[3] !== H || main.shape.length !== 3 || main.shape[2] !== perUnit * H) {
    throw new Error(`${kernel} (webgpu): expects U [3, 2, H, H] and an input [N, L, ${perUnit}·H], got U [${U.shape}] and [${main.shape}]`);
  }
  if (!webgpuGruUsable(H)) throw new Error(`${kernel} (webgpu): H ${H} is above ${MAX_WEBGPU_HIDDEN} (callers check webgpuGruUsable first)`);
  if (!Array.isArray(lengths) || lengths.length !== N || lengths.some((len) => !Number.isInteger(len) || len < 0 || len > L)) {
    throw new Error(`${kernel} (webgpu): attrs.lengths must hold ${N} integers in 0..${L}, got [${Array.isArray(lengths) ? lengths.slice(0, 8) : String(lengths)}]`);
  }
  return { N, L, H };
}

/** Runs `f` with the lengths as an int32 tensor on the GPU, disposed after (the backend defers the release until the queued dispatches ran). */
function withLengths<T>(backend: WebGpuBackendView, lengths: number[], f: (lens: TensorInfo) => T): T {
  const lens = backend.makeTensorInfo([lengths.length], 'int32', Int32Array.from(lengths));
  try {
    return f(lens);
  } finally {
    backend.disposeData(lens.dataId);
  }
}

/** Floats [begin, begin + count) of a flat tensor as a new tensor of `shape`. */
function sliceAs(backend: WebGpuBackendView, x: TensorInfo, begin: number, count: number, shape: number[]): TensorInfo {
  const slice = tf.getKernel('Slice', 'webgpu');
  if (!slice) throw new Error('TrimodGruForward (webgpu): the webgpu backend has no Slice kernel');
  const part = slice.kernelFunc({ inputs: { x }, backend: backend as never, attrs: { begin: [begin], size: [count] } }) as TensorInfo;
  // A reshape is a new view of the same data (as tfjs's own Reshape kernel does); the reference passes to the caller.
  return { dataId: part.dataId, shape, dtype: part.dtype };
}

function forwardKernel(args: KernelArgs): TensorInfo | TensorInfo[] {
  const { xp, U, bn } = args.inputs;
  const lengths = args.attrs.lengths as number[];
  const { N, L, H } = checkCall(GRU_FORWARD, xp, U, 6, lengths);
  const save = args.attrs.save === true;
  const { backend } = args;
  const result = withLengths(backend, lengths, (lens) => backend.runWebGPUProgram(forwardProgram(N, L, H, save), [xp, U, bn, lens], 'float32'));
  if (!save) return result;
  const S = N * L * 2 * H;
  try {
    return [sliceAs(backend, result, 4 * S, S, [N, L, 2 * H]), sliceAs(backend, result, 0, 4 * S, [L, 4, 2, N, H])];
  } finally {
    backend.disposeData(result.dataId);
  }
}

function backwardKernel(args: KernelArgs): TensorInfo[] {
  const { dy, U, out, gates } = args.inputs;
  const lengths = args.attrs.lengths as number[];
  const { N, L, H } = checkCall(GRU_BACKWARD, dy, U, 2, lengths);
  const { backend } = args;
  const transpose = tf.getKernel('Transpose', 'webgpu');
  if (!transpose) throw new Error('TrimodGruBackward (webgpu): the webgpu backend has no Transpose kernel');
  const UT = transpose.kernelFunc({ inputs: { x: U }, backend: backend as never, attrs: { perm: [0, 1, 3, 2] } }) as TensorInfo;
  try {
    return withLengths(backend, lengths, (lens) => gradients(backend, dy, UT, out, gates, lens, N, L, H));
  } finally {
    backend.disposeData(UT.dataId);
  }
}

/** The three backward dispatches: the time loop (dxp), then dU and dbn as reductions over its output. */
function gradients(backend: WebGpuBackendView, dy: TensorInfo, UT: TensorInfo, out: TensorInfo, gates: TensorInfo, lens: TensorInfo, N: number, L: number, H: number): TensorInfo[] {
  const dxp = backend.runWebGPUProgram(backwardProgram(N, L, H), [dy, UT, out, gates, lens], 'float32');
  const dU = backend.runWebGPUProgram(weightGradientProgram(N, L, H), [dxp, out, gates, lens], 'float32');
  const dbn = backend.runWebGPUProgram(biasGradientProgram(N, L, H), [dxp, gates, lens], 'float32');
  return [dxp, dU, dbn];
}

/** Registers both kernels for webgpu if tfjs knows that backend; returns whether they are registered. */
export function registerWebGpuGruKernels(): boolean {
  if (tf.findBackendFactory('webgpu') == null) return false;
  if (tf.getKernel(GRU_FORWARD, 'webgpu') == null) {
    tf.registerKernel({ kernelName: GRU_FORWARD, backendName: 'webgpu', kernelFunc: forwardKernel as unknown as KernelFunc });
  }
  if (tf.getKernel(GRU_BACKWARD, 'webgpu') == null) {
    tf.registerKernel({ kernelName: GRU_BACKWARD, backendName: 'webgpu', kernelFunc: backwardKernel as unknown as KernelFunc });
  }
  return true;
}
