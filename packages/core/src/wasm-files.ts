import * as tf from '@tensorflow/tfjs-core';

/**
 * Where tfjs-backend-wasm's .wasm files are, and a clear reason when a browser cannot fetch
 * them: tfjs itself only logs a warning and `tf.setBackend('wasm')` answers false, which pages
 * showed as a start that never finished.
 */

/** `wasmPaths` as tfjs wants it: a folder URL ending in '/' (tfjs appends the file name as is). */
export function wasmFolder(wasmPaths: string): string {
  return wasmPaths.endsWith('/') ? wasmPaths : `${wasmPaths}/`;
}

/** The file tfjs-backend-wasm fetches here: it picks by SIMD and thread support. */
export async function wasmBinaryName(): Promise<string> {
  const env = tf.env();
  const simd = Boolean(await env.getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = Boolean(await env.getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  if (simd && threads) return 'tfjs-backend-wasm-threaded-simd.wasm';
  return simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
}

const HOW =
  'serve the .wasm files of @tensorflow/tfjs-backend-wasm/dist/ and pass their folder: ' +
  "initBackend('wasm', { wasmPaths: '/assets/tfjs-wasm/' })";

/** Null when the .wasm file answers; else what is wrong and how to fix it. Browser only. */
export async function missingWasmReason(wasmPaths: string | undefined): Promise<string | null> {
  const file = await wasmBinaryName();
  if (!wasmPaths) return `the wasm backend could not load ${file}; without wasmPaths tfjs looks for it next to the bundled script: ${HOW}`;
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  const url = new URL(wasmFolder(wasmPaths) + file, base).href;
  try {
    const res = await fetch(url, { method: 'HEAD' });
    if (res.ok) return null;
    return `${url} answered HTTP ${res.status}: ${HOW}`;
  } catch (err) {
    return `cannot fetch ${url} (${err instanceof Error ? err.message : String(err)}): ${HOW}`;
  }
}
