import { embeddedWasm, isNode } from '@trimod/core';
import { GRU_WASM_BASE64 } from './gru-wasm-bytes';

/** The exports of assembly/gru.ts (offsets in bytes into `memory`, sizes in floats). */
export interface GruWasmExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  packWeights(U: number, Up: number, D: number, H: number, Hp: number): void;
  packTransposed(U: number, UpT: number, D: number, H: number, Hp: number): void;
  unpackWeights(dUp: number, dU: number, D: number, H: number, Hp: number): void;
  forward(
    xp: number, Up: number, bn: number, perm: number, lens: number, out: number, gates: number,
    hA: number, hB: number, acc: number, L: number, N: number, H: number, Hp: number, save: number,
  ): void;
  backward(
    dy: number, UpT: number, perm: number, lens: number, out: number, gates: number,
    dxp: number, dUp: number, dbn: number, cA: number, cB: number, P: number, hT: number,
    L: number, N: number, H: number, Hp: number,
  ): void;
}

/**
 * Loading: core's embeddedWasm (the bytes embedded as base64; compiled synchronously in Node,
 * asynchronously in browsers, where until it is ready, in practice before a model has finished
 * loading, the recurrence takes the tfjs path, which gives the same numbers).
 */
const gruWasm = embeddedWasm<GruWasmExports>(GRU_WASM_BASE64);

/** Starts compiling (asynchronously); resolves true when the kernel can run, false when it cannot (no SIMD). */
export function nativeGruReady(): Promise<boolean> {
  return gruWasm.ready();
}

/**
 * The module if it can run now, else null (not compiled yet in a browser, or this engine
 * lacks WebAssembly SIMD: then the tfjs path is used and `nativeGruError()` says why).
 */
export function nativeGru(): GruWasmExports | null {
  return gruWasm.now();
}

/** Why the native kernel cannot run, or null. */
export function nativeGruError(): Error | null {
  return gruWasm.error();
}

// In browsers, start compiling at import, so the module is ready by the first batch.
if (!isNode() && typeof WebAssembly !== 'undefined') void nativeGruReady();
