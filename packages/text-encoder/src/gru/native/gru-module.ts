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
 * Loading. The bytes are embedded (base64 in a generated module) rather than fetched: a bundler
 * or a CDN then needs no extra asset and no path setting, Node needs no file system access, and
 * the module is a few KB. Compiling: Node compiles synchronously on first use; browsers forbid
 * synchronous compilation of modules over 4 KB on the main thread, so there it is compiled
 * asynchronously as soon as this module is imported, and until it is ready (in practice, before
 * a model has finished loading) the recurrence takes the tfjs path, which gives the same numbers.
 */
let instance: GruWasmExports | null = null;
let failure: Error | null = null;
let pending: Promise<boolean> | null = null;

function bytes(): Uint8Array<ArrayBuffer> {
  const text = atob(GRU_WASM_BASE64);
  const out = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

function adopt(inst: WebAssembly.Instance): GruWasmExports {
  instance = inst.exports as unknown as GruWasmExports;
  return instance;
}

const isNode = typeof process !== 'undefined' && process.versions != null && process.versions.node != null;

/** Starts compiling (asynchronously); resolves true when the kernel can run, false when it cannot (no SIMD). */
export function nativeGruReady(): Promise<boolean> {
  if (instance) return Promise.resolve(true);
  if (failure) return Promise.resolve(false);
  pending ??= WebAssembly.instantiate(bytes()).then(
    (r) => (adopt(r.instance), true),
    (e: unknown) => ((failure = e instanceof Error ? e : new Error(String(e))), false),
  );
  return pending;
}

/**
 * The module if it can run now, else null (not compiled yet in a browser, or this engine
 * lacks WebAssembly SIMD: then the tfjs path is used and `nativeGruError()` says why).
 */
export function nativeGru(): GruWasmExports | null {
  if (instance || failure) return instance;
  if (typeof WebAssembly === 'undefined') {
    failure = new Error('WebAssembly is not available');
    return null;
  }
  if (!isNode) {
    void nativeGruReady();
    return null;
  }
  try {
    return adopt(new WebAssembly.Instance(new WebAssembly.Module(bytes())));
  } catch (e) {
    failure = e instanceof Error ? e : new Error(String(e));
    return null;
  }
}

/** Why the native kernel cannot run, or null. */
export function nativeGruError(): Error | null {
  return failure;
}

// In browsers, start compiling at import, so the module is ready by the first batch.
if (!isNode && typeof WebAssembly !== 'undefined') void nativeGruReady();
