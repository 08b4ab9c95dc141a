import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@trimod/core';
import type { BackendCheck } from './diagnose';

/**
 * Runs in a child process of `trimod doctor`: starts one backend, runs a small matMul, checks
 * the result against a plain JS product and prints one JSON line.
 */
export async function checkBackend(name: string): Promise<BackendCheck> {
  let info;
  try {
    info = await initBackend(name as 'webgpu' | 'wasm' | 'cpu');
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { backend: name, works: false, detail: message.replace(/^initBackend: no backend could start \(\w+: /, '').replace(/\)$/, '') };
  }
  const n = 256;
  const a = tf.tidy(() => tf.randomUniform([n, n], -1, 1, 'float32', 7));
  const b = tf.tidy(() => tf.randomUniform([n, n], -1, 1, 'float32', 8));
  const [av, bv] = [await a.data(), await b.data()];
  let c = tf.matMul(a, b);
  await c.data(); // warm-up: compiles shaders / kernels
  c.dispose();
  const t0 = performance.now();
  c = tf.matMul(a, b);
  const cv = await c.data();
  const ms = performance.now() - t0;
  // Spot-check a few entries against JS so a backend that runs but computes wrongly is caught.
  let maxErr = 0;
  for (const [i, j] of [[0, 0], [17, 200], [255, 255], [128, 3]]) {
    let s = 0;
    for (let k = 0; k < n; k++) s += av[i * n + k] * bv[k * n + j];
    maxErr = Math.max(maxErr, Math.abs(s - cv[i * n + j]));
  }
  tf.dispose([a, b, c]);
  const parts: string[] = [];
  if (info.adapter) {
    const ad = info.adapter;
    parts.push(`adapter: ${[ad.vendor, ad.architecture, ad.device, ad.description].filter(Boolean).join(' / ') || 'unnamed'}`);
  }
  if (info.wasm) parts.push(`SIMD ${info.wasm.simd ? 'yes' : 'no'}, threads ${info.wasm.threads ? 'yes' : 'no'}`);
  if (maxErr > 1e-2) {
    return { backend: name, works: false, detail: `matMul result is wrong (max error ${maxErr.toExponential(2)})` };
  }
  parts.push(`matMul checked (max error ${maxErr.toExponential(1)})`);
  return { backend: name, works: true, detail: parts.join('; '), matMulMs: ms };
}
