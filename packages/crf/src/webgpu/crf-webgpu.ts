import * as tf from '@tensorflow/tfjs-core';
import type { DataType, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BatchShape } from '../inputs';
import type { CrfScores } from '../steps';
import type { ScoredPath } from '../types';
import { forwardProgram, MAX_VITERBI_POINTERS, MAX_WEBGPU_TAGS, viterbiProgram, type CrfProgram } from './crf-programs';

/**
 * The CRF's recursions as WGSL kernels on the webgpu backend (crf-programs.ts), registered as
 * tfjs kernels so their inputs and outputs stay on the GPU and tfjs tracks their memory:
 * - TrimodCrfForward: log Z [B] (attrs.statistics false) or, with statistics, forward–backward's
 *   row per sequence [B, 1 + T·K + K·K + 2K] that log-partition.ts turns into log Z's gradient;
 * - TrimodCrfViterbi: the best path and its score per sequence, [B, T + 1].
 * Inputs: emissions [B, T, K], transitions [K, K], start [K], end [K] (penalties already added);
 * attrs.lengths, each in 1..T. The backend package is not imported: the kernels call methods of
 * the backend object tfjs hands them.
 */
export const CRF_FORWARD = 'TrimodCrfForward';
export const CRF_VITERBI = 'TrimodCrfViterbi';

interface WebGpuBackendView {
  runWebGPUProgram(program: CrfProgram, inputs: TensorInfo[], outputDtype: DataType): TensorInfo;
  makeTensorInfo(shape: number[], dtype: DataType, values?: Int32Array): TensorInfo;
  disposeData(dataId: object): boolean;
}

interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: WebGpuBackendView;
  attrs: NamedAttrMap;
}

let enabled = true;

/** Turns the kernels on or off (the tfjs and array paths give the same numbers), to measure one against the other; returns the previous setting. */
export function setWebGpuCrfKernels(on: boolean): boolean {
  const before = enabled;
  enabled = on;
  return before;
}

/** One workgroup per sequence along the dispatch's x: at most WebGPU's guaranteed 65,535. */
const MAX_WORKGROUPS = 65535;

/**
 * On webgpu with at most MAX_WEBGPU_TAGS tags, at most MAX_WORKGROUPS sequences (when `batch`
 * is given) and, for Viterbi, its pointers within workgroup memory; elsewhere the tfjs or array
 * paths run.
 */
export function webgpuCrfUsable(numTags: number, viterbiSteps?: number, batch?: number): boolean {
  if (!enabled || tf.getBackend() !== 'webgpu' || numTags > MAX_WEBGPU_TAGS || (batch ?? 0) > MAX_WORKGROUPS) return false;
  if (viterbiSteps !== undefined && (viterbiSteps - 1) * numTags > MAX_VITERBI_POINTERS) return false;
  return registerWebGpuCrfKernels();
}

function checkCall(kernel: string, args: KernelArgs): { B: number; T: number; K: number; lengths: number[] } {
  const { emissions, transitions, start, end } = args.inputs;
  const [B, T, K] = emissions.shape;
  const lengths = args.attrs.lengths as number[];
  if (emissions.shape.length !== 3 || transitions.shape.join() !== `${K},${K}` || start.shape.join() !== `${K}` || end.shape.join() !== `${K}`) {
    throw new Error(`${kernel} (webgpu): expects emissions [B, T, K], transitions [K, K], start and end [K]; got [${emissions.shape}], [${transitions.shape}], [${start.shape}], [${end.shape}]`);
  }
  if (!Array.isArray(lengths) || lengths.length !== B || lengths.some((len) => !Number.isInteger(len) || len < 1 || len > T)) {
    throw new Error(`${kernel} (webgpu): attrs.lengths must hold ${B} integers in 1..${T}`);
  }
  return { B, T, K, lengths };
}

function run(args: KernelArgs, program: CrfProgram, lengths: number[]): TensorInfo {
  const { emissions, transitions, start, end } = args.inputs;
  const { backend } = args;
  const lens = backend.makeTensorInfo([lengths.length], 'int32', Int32Array.from(lengths));
  try {
    return backend.runWebGPUProgram(program, [emissions, transitions, start, end, lens], 'float32');
  } finally {
    // Released once the queued dispatch has run (the backend defers it).
    backend.disposeData(lens.dataId);
  }
}

function forwardKernel(args: KernelArgs): TensorInfo {
  const { B, T, K, lengths } = checkCall(CRF_FORWARD, args);
  return run(args, forwardProgram(B, T, K, args.attrs.statistics === true), lengths);
}

function viterbiKernel(args: KernelArgs): TensorInfo {
  const { B, T, K, lengths } = checkCall(CRF_VITERBI, args);
  const need = Math.max(1, (T - 1) * K);
  if (need > MAX_VITERBI_POINTERS) throw new Error(`${CRF_VITERBI} (webgpu): ${T} steps × ${K} tags need more than ${MAX_VITERBI_POINTERS} pointers (callers check webgpuCrfUsable first)`);
  // Pointer arrays in a few sizes, so short batches neither reserve the most nor compile a pipeline per length.
  const pointers = Math.min(MAX_VITERBI_POINTERS, 2 ** Math.ceil(Math.log2(Math.max(64, need))));
  return run(args, viterbiProgram(B, T, K, pointers), lengths);
}

export function registerWebGpuCrfKernels(): boolean {
  if (tf.findBackendFactory('webgpu') == null) return false;
  for (const [kernelName, kernelFunc] of [[CRF_FORWARD, forwardKernel], [CRF_VITERBI, viterbiKernel]] as const) {
    if (tf.getKernel(kernelName, 'webgpu') == null) tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as KernelFunc });
  }
  return true;
}

const inputsOf = (scores: CrfScores, emissions: tf.Tensor3D) => ({ emissions, transitions: scores.transitions, start: scores.start, end: scores.end });

/**
 * log Z [B] from the current backend's TrimodCrfForward: one dispatch on webgpu, the array kernel
 * on cpu and wasm (../array-kernels.ts). No gradient: log-partition.ts builds that from
 * `kernelPartitionStatistics`.
 */
export function kernelLogPartition(scores: CrfScores, emissions: tf.Tensor3D, shape: BatchShape): tf.Tensor1D {
  return tf.engine().runKernel(CRF_FORWARD, inputsOf(scores, emissions), { lengths: shape.lengths, statistics: false }) as tf.Tensor1D;
}

/** Forward–backward's statistics [B, 1 + T·K + K·K + 2K] from TrimodCrfForward (see forwardProgram; any backend that has it). */
export function kernelPartitionStatistics(scores: CrfScores, emissions: tf.Tensor3D, shape: BatchShape): tf.Tensor2D {
  return tf.engine().runKernel(CRF_FORWARD, inputsOf(scores, emissions), { lengths: shape.lengths, statistics: true }) as tf.Tensor2D;
}

/** Viterbi and its backtrace in one dispatch: [B, T + 1] (see viterbiProgram). */
export function gpuViterbi(scores: CrfScores, emissions: tf.Tensor3D, shape: BatchShape): tf.Tensor2D {
  return tf.engine().runKernel(CRF_VITERBI, inputsOf(scores, emissions), { lengths: shape.lengths }) as tf.Tensor2D;
}

/** Reads gpuViterbi's output (B·(T + 1) numbers, not the emissions) as paths, and disposes it. */
export async function readViterbi(out: tf.Tensor2D, shape: BatchShape): Promise<ScoredPath[]> {
  const T = out.shape[1] - 1;
  let values: Float32Array;
  try {
    values = (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
  return shape.lengths.map((length, b) => {
    const row = b * (T + 1);
    return { tags: Array.from(values.subarray(row, row + length), Math.round), score: values[row + T] };
  });
}
