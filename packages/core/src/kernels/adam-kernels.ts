/**
 * The fused Adam update and the clipping norm as tfjs kernels on cpu and wasm (adam.ts has the
 * arithmetic), with the ops that call them. Other backends (webgpu) have neither: callers check
 * hasFusedAdam() and otherwise use tfjs's own ops.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { sumOfSquares, type AdamConstants } from './adam';
import { fusedAdamUpdate } from './adam-module';
import type { CpuBackendView, WasmBackendView } from './backend-views';

export const TRIMOD_ADAM = 'TrimodAdam';
export const TRIMOD_SUM_OF_SQUARES = 'TrimodSumOfSquares';

interface AdamArgs {
  inputs: { param: TensorInfo; m: TensorInfo; v: TensorInfo; grad: TensorInfo };
  attrs: AdamConstants;
}

function checkAdamInputs({ param, m, v, grad }: AdamArgs['inputs']): void {
  const size = (t: TensorInfo) => t.shape.reduce((a, b) => a * b, 1);
  for (const [name, t] of Object.entries({ param, m, v, grad })) {
    if (t.dtype !== 'float32') throw new Error(`${TRIMOD_ADAM}: ${name} must be float32, got ${t.dtype}`);
    if (size(t) !== size(param)) throw new Error(`${TRIMOD_ADAM}: ${name} has shape [${t.shape}], param has [${param.shape}]`);
  }
}

function adamCpu(args: AdamArgs & { backend: CpuBackendView }): TensorInfo[] {
  const { inputs, backend } = args;
  checkAdamInputs(inputs);
  const read = (t: TensorInfo) => backend.readSync(t.dataId) as Float32Array;
  const n = read(inputs.param).length;
  const [p, m, v] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  fusedAdamUpdate(read(inputs.param), read(inputs.m), read(inputs.v), read(inputs.grad), args.attrs, p, m, v);
  return [p, m, v].map((values) => backend.makeTensorInfo(inputs.param.shape, 'float32', values));
}

function adamWasm(args: AdamArgs & { backend: WasmBackendView }): TensorInfo[] {
  const { inputs, backend } = args;
  checkAdamInputs(inputs);
  const outs = [0, 1, 2].map(() => backend.makeOutput(inputs.param.shape, 'float32'));
  // Views only after the allocations above: a heap growth would have detached earlier ones.
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  fusedAdamUpdate(view(inputs.param), view(inputs.m), view(inputs.v), view(inputs.grad), args.attrs, view(outs[0]), view(outs[1]), view(outs[2]));
  return outs;
}

interface SumArgs {
  inputs: TensorInfo[];
}

function checkSumInputs(inputs: TensorInfo[]): void {
  inputs.forEach((t, i) => {
    if (t.dtype !== 'float32') throw new Error(`${TRIMOD_SUM_OF_SQUARES}: input ${i} must be float32, got ${t.dtype}`);
  });
}

function sumOfSquaresCpu(args: SumArgs & { backend: CpuBackendView }): TensorInfo {
  checkSumInputs(args.inputs);
  const total = sumOfSquares(args.inputs.map((t) => args.backend.readSync(t.dataId) as Float32Array));
  return args.backend.makeTensorInfo([], 'float32', new Float32Array([total]));
}

function sumOfSquaresWasm(args: SumArgs & { backend: WasmBackendView }): TensorInfo {
  checkSumInputs(args.inputs);
  const out = args.backend.makeOutput([], 'float32');
  const total = sumOfSquares(args.inputs.map((t) => args.backend.typedArrayFromHeap(t) as Float32Array));
  (args.backend.typedArrayFromHeap(out) as Float32Array)[0] = total;
  return out;
}

const config = (kernelName: string, backendName: string, kernelFunc: unknown): KernelConfig => ({ kernelName, backendName, kernelFunc: kernelFunc as KernelFunc });

export const adamKernelConfigs: readonly KernelConfig[] = [
  config(TRIMOD_ADAM, 'cpu', adamCpu),
  config(TRIMOD_ADAM, 'wasm', adamWasm),
  config(TRIMOD_SUM_OF_SQUARES, 'cpu', sumOfSquaresCpu),
  config(TRIMOD_SUM_OF_SQUARES, 'wasm', sumOfSquaresWasm),
];

/** Whether the current backend (or the named one) has the fused Adam and norm kernels. */
export function hasFusedAdam(backendName: string = tf.getBackend()): boolean {
  return tf.getKernel(TRIMOD_ADAM, backendName) != null && tf.getKernel(TRIMOD_SUM_OF_SQUARES, backendName) != null;
}

/** One Adam step of a float32 variable: returns [param', m', v'], new tensors (the inputs are untouched). */
export function fusedAdamStep(param: tf.Tensor, m: tf.Tensor, v: tf.Tensor, grad: tf.Tensor, constants: AdamConstants): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const out = tf.engine().runKernel(TRIMOD_ADAM, { param, m, v, grad }, constants as unknown as NamedAttrMap) as tf.Tensor[];
  return [out[0], out[1], out[2]];
}

/** Σ x² over all the tensors, as a float32 scalar tensor (accumulated in float64, in one pass each). */
export function fusedSumOfSquares(tensors: readonly tf.Tensor[]): tf.Scalar {
  return tf.engine().runKernel(TRIMOD_SUM_OF_SQUARES, tensors as unknown as tf.NamedTensorMap) as tf.Scalar;
}
