import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { CpuBackendView, WasmBackendView } from '@trimod/core';
import { partitionArrays } from './array-statistics';
import { CRF_FORWARD } from './webgpu/crf-webgpu';

/**
 * TrimodCrfForward on the cpu and wasm backends: the kernel webgpu runs in WGSL (same inputs,
 * attrs and output), computed on typed arrays by array-statistics.ts. log-partition.ts then
 * takes log Z and its gradient from one kernel call on every backend instead of the tensor
 * recursions (~500 kernels a training batch on wasm).
 *
 * The backends are typed structurally (core's views), so neither backend package is imported.
 */
interface KernelArgs<B> {
  inputs: Record<string, TensorInfo>;
  backend: B;
  attrs: NamedAttrMap;
}

const BACKENDS = ['cpu', 'wasm'];

let enabled = !(typeof process !== 'undefined' && process.env != null && process.env.TRIMOD_ARRAY_CRF === '0');

/**
 * Turns the cpu / wasm kernel off (the tensor recursions run instead; the same numbers within
 * float32 rounding), to measure one against the other; returns the previous setting. Also off
 * in Node with TRIMOD_ARRAY_CRF=0.
 */
export function setArrayCrfKernels(on: boolean): boolean {
  const before = enabled;
  enabled = on;
  return before;
}

/** Whether log Z and its statistics run as the array kernel here (cpu or wasm, switched on); registers it on first use. */
export function arrayCrfUsable(): boolean {
  if (!enabled || !BACKENDS.includes(tf.getBackend())) return false;
  for (const backendName of BACKENDS) {
    if (tf.findBackendFactory(backendName) != null && tf.getKernel(CRF_FORWARD, backendName) == null) {
      const kernelFunc = backendName === 'cpu' ? forwardCpu : forwardWasm;
      tf.registerKernel({ kernelName: CRF_FORWARD, backendName, kernelFunc: kernelFunc as unknown as KernelFunc });
    }
  }
  return true;
}

function checkCall(inputs: Record<string, TensorInfo>, attrs: NamedAttrMap): { B: number; T: number; K: number; lengths: number[] } {
  const { emissions, transitions, start, end } = inputs;
  const [B, T, K] = emissions.shape;
  const lengths = attrs.lengths as number[];
  if (emissions.shape.length !== 3 || transitions.shape.join() !== `${K},${K}` || start.shape.join() !== `${K}` || end.shape.join() !== `${K}`) {
    throw new Error(`${CRF_FORWARD}: expects emissions [B, T, K], transitions [K, K], start and end [K]; got [${emissions.shape}], [${transitions.shape}], [${start.shape}], [${end.shape}]`);
  }
  for (const [name, t] of Object.entries({ emissions, transitions, start, end })) {
    if (t.dtype !== 'float32') throw new Error(`${CRF_FORWARD}: ${name} must be float32, got ${t.dtype}`);
  }
  if (!Array.isArray(lengths) || lengths.length !== B || lengths.some((len) => !Number.isInteger(len) || len < 1 || len > T)) {
    throw new Error(`${CRF_FORWARD}: attrs.lengths must hold ${B} integers in 1..${T}`);
  }
  return { B, T, K, lengths };
}

function compute(read: (t: TensorInfo) => Float32Array, args: KernelArgs<unknown>): { values: Float32Array; shape: number[] } {
  const { B, T, K, lengths } = checkCall(args.inputs, args.attrs);
  const statistics = args.attrs.statistics === true;
  const { emissions, transitions, start, end } = args.inputs;
  const values = partitionArrays(read(emissions), lengths, T, { numTags: K, transitions: read(transitions), start: read(start), end: read(end) }, statistics);
  return { values, shape: statistics ? [B, values.length / B] : [B] };
}

function forwardCpu(args: KernelArgs<CpuBackendView>): TensorInfo {
  const { values, shape } = compute((t) => args.backend.readSync(t.dataId) as Float32Array, args);
  return args.backend.makeTensorInfo(shape, 'float32', values);
}

function forwardWasm(args: KernelArgs<WasmBackendView>): TensorInfo {
  const { values, shape } = compute((t) => args.backend.typedArrayFromHeap(t) as Float32Array, args);
  // The output is allocated after the inputs were read: a heap growth would detach their views.
  const out = args.backend.makeOutput(shape, 'float32');
  (args.backend.typedArrayFromHeap(out) as Float32Array).set(values);
  return out;
}
