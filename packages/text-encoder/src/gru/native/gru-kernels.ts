import * as tf from '@tensorflow/tfjs-core';
import type { backend_util, DataType, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { nativeGru, type GruWasmExports } from './gru-module';

/**
 * tfjs kernels (cpu and wasm backends) around the native Bi-GRU time loop (assembly/gru.ts;
 * D = 2 directions, the second reading each sequence backward from its real end):
 *
 * - TrimodGruForward: xp [N, L, D·3·H] (the input projection, columns (direction, gate, unit)),
 *   U [3, D, H, H], bn [D, 1, H], attrs lengths (N real lengths) and save → out [N, L, D·H]
 *   ([forward; backward] state at each position, 0 on padding), plus gates [L, 4, D, N, H]
 *   when save is true (what TrimodGruBackward reads).
 * - TrimodGruBackward: dy [N, L, D·H], U, out, gates, attrs lengths → dxp [N, L, D·3·H], dU, dbn.
 *
 * Registered kernels rather than plain functions: a kernel reads its inputs where the backend
 * keeps them (the wasm backend's heap, the cpu backend's arrays) and writes its outputs there,
 * so no tensor takes the round trip through dataSync and tf.tensor, and tfjs keeps track of the
 * outputs' memory as for any op.
 */
export const GRU_FORWARD = 'TrimodGruForward';
export const GRU_BACKWARD = 'TrimodGruBackward';
export const NATIVE_BACKENDS = ['cpu', 'wasm'] as const;

/**
 * Above this much module memory one call falls back to the tfjs path: WebAssembly memory never
 * shrinks, so one very long post would otherwise keep its size for the rest of the process
 * (256 MB is about 30,000 tokens of a 150-unit Bi-GRU at batch 1).
 */
export const MAX_NATIVE_BYTES = 256 * 1024 * 1024;

interface BackendView {
  readSync?(dataId: object): backend_util.BackendValues;
  makeTensorInfo?(shape: number[], dtype: DataType, values?: backend_util.BackendValues): TensorInfo;
  makeOutput?(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap?(info: TensorInfo): backend_util.TypedArray;
}

interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: BackendView;
  attrs: NamedAttrMap;
}

/** Reads a backend's tensors as Float32Arrays and makes its outputs from values. */
interface Io {
  read(info: TensorInfo): Float32Array;
  emit(shape: number[], values: Float32Array): TensorInfo;
}

function ioFor(backendName: string, backend: BackendView): Io {
  if (backendName === 'wasm') {
    return {
      read: (info) => backend.typedArrayFromHeap!(info) as Float32Array,
      // The view is taken after the allocation: growing the heap detaches older views.
      emit: (shape, values) => {
        const out = backend.makeOutput!(shape, 'float32');
        (backend.typedArrayFromHeap!(out) as Float32Array).set(values);
        return out;
      },
    };
  }
  return {
    read: (info) => backend.readSync!(info.dataId) as Float32Array,
    emit: (shape, values) => backend.makeTensorInfo!(shape, 'float32', values.slice()),
  };
}

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

function ensureMemory(wasm: GruWasmExports, end: number): void {
  const have = wasm.memory.buffer.byteLength;
  if (end > have) wasm.memory.grow(Math.ceil((end - have) / 65536));
}

/**
 * Packed recurrent weights, kept in module memory from call to call for as long as the U
 * tensor lives (keyed by its data, which tfjs never changes in place: Variable.assign gives
 * the variable new data). At batch 1 packing the word Bi-GRU's weights took as long as its
 * whole time loop; now inference packs once per model, and a training step packs once for
 * its forward and backward pass. The cache sits at the bottom of memory, each call's scratch
 * above it; past CACHE_BYTES it starts over.
 */
interface Packed {
  D: number;
  H: number;
  /** U as given, Up [D][H][3·Hp], and UpT [D][3·Hp][Hp] once `transposed` is set. */
  raw: number;
  Up: number;
  UpT: number;
  transposed: boolean;
}

const CACHE_BYTES = 16 * 1024 * 1024;
let cache = new WeakMap<object, Packed>();
let cacheStart = -1;
let cacheEnd = -1;

function packedWeights(wasm: GruWasmExports, io: Io, U: TensorInfo, D: number, H: number, transposed: boolean): Packed {
  const Hp = padded(H);
  const W = 3 * Hp;
  if (cacheStart < 0) cacheStart = cacheEnd = wasm.heapBase();
  let entry = cache.get(U.dataId);
  if (!entry || entry.D !== D || entry.H !== H) {
    const sizes = [align(3 * D * H * H * 4), align(D * H * W * 4), align(D * W * Hp * 4)];
    const bytes = sizes[0] + sizes[1] + sizes[2];
    if (cacheEnd + bytes - cacheStart > CACHE_BYTES) {
      cache = new WeakMap();
      cacheEnd = cacheStart;
    }
    entry = { D, H, raw: cacheEnd, Up: cacheEnd + sizes[0], UpT: cacheEnd + sizes[0] + sizes[1], transposed: false };
    cacheEnd += bytes;
    ensureMemory(wasm, cacheEnd);
    floats(wasm, entry.raw, 3 * D * H * H).set(io.read(U));
    wasm.packWeights(entry.raw, entry.Up, D, H, Hp);
    cache.set(U.dataId, entry);
  }
  if (transposed && !entry.transposed) {
    wasm.packTransposed(entry.raw, entry.UpT, D, H, Hp);
    entry.transposed = true;
  }
  return entry;
}

/** Byte offsets of named float (or int32) arrays for one call's data, above the weight cache. */
function plan(wasm: GruWasmExports, sizes: Record<string, number>): Record<string, number> | null {
  const at: Record<string, number> = {};
  let offset = cacheEnd;
  for (const [name, count] of Object.entries(sizes)) {
    at[name] = offset;
    offset += align(count * 4);
  }
  if (offset - cacheEnd > MAX_NATIVE_BYTES) return null;
  ensureMemory(wasm, offset);
  return at;
}

/** The footprint a forward call needs, for callers that choose between paths. */
export function forwardBytes(L: number, N: number, H: number, save: boolean): number {
  const D = 2;
  const Hp = padded(H);
  return 4 * (L * D * N * H * (3 + 1 + (save ? 4 : 0)) + 2 * D * N * Hp + N * 3 * Hp + 2 * N + D * H);
}

/** The footprint a backward call needs (its inputs, outputs and scratch). */
export function backwardBytes(L: number, N: number, H: number): number {
  const D = 2;
  const Hp = padded(H);
  return 4 * (L * D * N * H * (1 + 1 + 4 + 3) + N * 3 * Hp + Hp * N + 2 * D * N * Hp + 2 * N + D * H * (1 + 3 * Hp + 3 * H));
}

function padded(H: number): number {
  return Math.ceil(H / 4) * 4;
}

/** Sequences by length, longest first (ties in order): the kernel's running rows are a prefix. */
function byLength(lengths: number[]): Int32Array {
  return Int32Array.from(lengths.map((_, n) => n).sort((a, b) => lengths[b] - lengths[a] || a - b));
}

function setInts(wasm: GruWasmExports, offset: number, values: ArrayLike<number>): void {
  new Int32Array(wasm.memory.buffer, offset, values.length).set(values);
}

function floats(wasm: GruWasmExports, offset: number, length: number): Float32Array {
  return new Float32Array(wasm.memory.buffer, offset, length);
}

function checkShapes(kernel: string, shape: number[], expected: number[], uShape: number[], D: number): void {
  if (D !== 2 || uShape.length !== 4 || uShape[0] !== 3 || uShape[3] !== uShape[2] || shape.length !== 3 || shape[2] !== expected[2]) {
    throw new Error(`${kernel}: expects U [3, 2, H, H] and an input [N, L, ${expected[2] / (uShape[2] || 1)}·H], got U [${uShape}] and [${shape}]`);
  }
}

function checkLengths(lengths: number[], N: number, L: number, kernel: string): void {
  if (lengths.length !== N || lengths.some((len) => !Number.isInteger(len) || len < 0 || len > L)) {
    throw new Error(`${kernel}: attrs.lengths must hold ${N} integers in 0..${L}, got [${lengths.slice(0, 8)}${lengths.length > 8 ? ', …' : ''}]`);
  }
}

/**
 * What both kernels start with: the module, the checked shapes and lengths, the sizes of the
 * buffers, and U packed for the direction the kernel reads it (transposed for the backward pass).
 * `main` is the [N, L, perUnit·H] tensor the kernel is shaped by (xp forward, dy backward).
 */
function kernelCall(kernel: string, backendName: string, args: KernelArgs, main: TensorInfo, perUnit: number, transposed: boolean) {
  const wasm = nativeGru();
  if (!wasm) throw new Error(`${kernel}: the native GRU module is not available`);
  const U = args.inputs.U;
  const [N, L] = main.shape;
  const [, D, H] = U.shape;
  checkShapes(kernel, main.shape, [N, L, perUnit * H], U.shape, D);
  const lengths = args.attrs.lengths as number[];
  checkLengths(lengths, N, L, kernel);
  const Hp = padded(H);
  const io = ioFor(backendName, args.backend);
  return { wasm, N, L, D, H, Hp, W: 3 * Hp, size: L * D * N * H, lengths, io, weights: packedWeights(wasm, io, U, D, H, transposed) };
}

function forwardKernel(backendName: string): KernelFunc {
  return ((args: KernelArgs) => {
    const { xp, bn } = args.inputs;
    const { wasm, N, L, D, H, Hp, W, size, lengths, io, weights } = kernelCall(GRU_FORWARD, backendName, args, xp, 6, false);
    const save = args.attrs.save === true;
    const at = plan(wasm, {
      xp: 3 * size, bn: D * H, perm: N, lens: N, out: size, gates: save ? 4 * size : 0, hA: D * N * Hp, hB: D * N * Hp, acc: N * W,
    });
    if (!at) throw new Error(`${GRU_FORWARD}: [${xp.shape}] needs more than ${MAX_NATIVE_BYTES} bytes (callers check forwardBytes first)`);
    floats(wasm, at.xp, 3 * size).set(io.read(xp));
    floats(wasm, at.bn, D * H).set(io.read(bn));
    setInts(wasm, at.perm, byLength(lengths));
    setInts(wasm, at.lens, lengths);
    wasm.forward(at.xp, weights.Up, at.bn, at.perm, at.lens, at.out, at.gates, at.hA, at.hB, at.acc, L, N, H, Hp, save ? 1 : 0);
    const out = io.emit([N, L, D * H], floats(wasm, at.out, size));
    return save ? [out, io.emit([L, 4, D, N, H], floats(wasm, at.gates, 4 * size))] : out;
  }) as unknown as KernelFunc;
}

function backwardKernel(backendName: string): KernelFunc {
  return ((args: KernelArgs) => {
    const { dy, out, gates } = args.inputs;
    const { wasm, N, L, D, H, Hp, W, size, lengths, io, weights } = kernelCall(GRU_BACKWARD, backendName, args, dy, 2, true);
    const at = plan(wasm, {
      dy: size, perm: N, lens: N, out: size, gates: 4 * size,
      dxp: 3 * size, dUp: D * H * W, dbn: D * H, dU: 3 * D * H * H, cA: D * N * Hp, cB: D * N * Hp, P: N * W, hT: Hp * N,
    });
    if (!at) throw new Error(`${GRU_BACKWARD}: [${dy.shape}] needs more than ${MAX_NATIVE_BYTES} bytes`);
    floats(wasm, at.dy, size).set(io.read(dy));
    floats(wasm, at.out, size).set(io.read(out));
    floats(wasm, at.gates, 4 * size).set(io.read(gates));
    setInts(wasm, at.perm, byLength(lengths));
    setInts(wasm, at.lens, lengths);
    wasm.backward(at.dy, weights.UpT, at.perm, at.lens, at.out, at.gates, at.dxp, at.dUp, at.dbn, at.cA, at.cB, at.P, at.hT, L, N, H, Hp);
    wasm.unpackWeights(at.dUp, at.dU, D, H, Hp);
    return [
      io.emit([N, L, 3 * D * H], floats(wasm, at.dxp, 3 * size)),
      io.emit([3, D, H, H], floats(wasm, at.dU, 3 * D * H * H)),
      io.emit([D, 1, H], floats(wasm, at.dbn, D * H)),
    ];
  }) as unknown as KernelFunc;
}

/**
 * Registers both kernels for `backendName` if tfjs knows that backend and they are not there
 * yet; returns whether they are registered.
 */
export function registerNativeGruKernels(backendName: string): boolean {
  if (!(NATIVE_BACKENDS as readonly string[]).includes(backendName) || tf.findBackendFactory(backendName) == null) return false;
  if (tf.getKernel(GRU_FORWARD, backendName) == null) {
    tf.registerKernel({ kernelName: GRU_FORWARD, backendName, kernelFunc: forwardKernel(backendName) });
  }
  if (tf.getKernel(GRU_BACKWARD, backendName) == null) {
    tf.registerKernel({ kernelName: GRU_BACKWARD, backendName, kernelFunc: backwardKernel(backendName) });
  }
  return true;
}
