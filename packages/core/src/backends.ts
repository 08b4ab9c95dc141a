import * as tf from '@tensorflow/tfjs-core';
import { registerTrainingKernels } from './kernels/register';
import { isNode } from './env';
import { webGpuUnavailableReason } from './gpu-presence';
import { missingWasmReason, wasmFolder } from './wasm-files';

/** Backends TriMod can run on, best first. */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendPreference = BackendName | 'auto';

export interface SkippedBackend {
  backend: BackendName;
  reason: string;
}

export interface BackendInfo {
  /** The backend now in use by tfjs. */
  backend: BackendName;
  /** Every better backend that was tried or passed over, with the reason. */
  skipped: SkippedBackend[];
  /** The runtime we detected. */
  runtime: 'node' | 'browser';
  /** Adapter details when the backend is webgpu. */
  adapter?: GpuAdapterDetails;
  /** wasm features when the backend is wasm. */
  wasm?: { simd: boolean; threads: boolean };
}

export interface GpuAdapterDetails {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

export interface InitBackendOptions {
  /**
   * Folder URL that holds tfjs-backend-wasm's .wasm files (copies of
   * node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm); browsers need it, Node finds them
   * itself. When the file is not there, initBackend says which URL failed.
   */
  wasmPaths?: string;
}

const ORDER: Record<'node' | 'browser', BackendName[]> = {
  node: ['webgpu', 'wasm', 'cpu'],
  browser: ['webgpu', 'webgl', 'wasm', 'cpu'],
};

// Explains the commonest reason Dawn finds no GPU on a headless NVIDIA Linux server.
export const HEADLESS_NVIDIA_HINT =
  'On a headless NVIDIA Linux server, the installed Vulkan ICD file usually names libGLX_nvidia.so.0, ' +
  'which needs a display ("Could not get \'vkCreateInstance\'"). Write an ICD JSON file whose ' +
  'library_path is libEGL_nvidia.so.0 and point VK_ICD_FILENAMES at it. On a machine without a GPU, ' +
  'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (Debian package chromium) gives a slow software adapter.';

/**
 * Chooses and initialises a tfjs backend.
 *
 * `auto` tries, in Node: webgpu (through the optional `webgpu` npm package, Dawn) → wasm → cpu;
 * in browsers: webgpu → webgl → wasm → cpu. A named preference tries only that backend and
 * throws with the reason when it cannot start. The result says why each better backend was skipped.
 */
export async function initBackend(
  preference: BackendPreference = 'auto',
  options: InitBackendOptions = {},
): Promise<BackendInfo> {
  const runtime = isNode() ? 'node' : 'browser';
  const candidates = preference === 'auto' ? ORDER[runtime] : [preference];
  if (preference !== 'auto' && !ORDER.node.includes(preference) && !ORDER.browser.includes(preference)) {
    throw new Error(`initBackend: unknown backend "${preference}" (choose webgpu, webgl, wasm, cpu or auto)`);
  }
  const skipped: SkippedBackend[] = [];
  for (const name of candidates) {
    // auto on a machine where Dawn cannot find an adapter: skip the probe and its stderr noise.
    const reason = (preference === 'auto' && name === 'webgpu' && runtime === 'node' ? await webGpuUnavailableReason() : null) ?? (await tryBackend(name, runtime, options));
    if (reason === null) {
      const info: BackendInfo = { backend: name, skipped, runtime };
      if (name === 'webgpu') info.adapter = lastAdapter;
      if (name === 'wasm') info.wasm = await wasmFeatures();
      await afterBackendSet(name);
      return info;
    }
    skipped.push({ backend: name, reason });
  }
  const detail = skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ');
  throw new Error(`initBackend: no backend could start (${detail})`);
}

/** Hooks that other modules of core add (e.g. kernels training needs), run after a backend is set. */
const afterSetHooks: Array<(backend: BackendName) => void | Promise<void>> = [];
export function onBackendSet(hook: (backend: BackendName) => void | Promise<void>): void {
  afterSetHooks.push(hook);
}
async function afterBackendSet(name: BackendName): Promise<void> {
  // Training needs kernels some backends lack (wasm has no UnsortedSegmentSum, the gradient of
  // every embedding lookup) or run slowly (cpu's); registered once the backend is known.
  registerTrainingKernels();
  for (const hook of afterSetHooks) await hook(name);
}

let lastAdapter: GpuAdapterDetails | undefined;

/** Returns null when the backend is now active, else the reason it is not. */
async function tryBackend(name: BackendName, runtime: 'node' | 'browser', options: InitBackendOptions): Promise<string | null> {
  try {
    switch (name) {
      case 'webgpu': {
        const problem = await prepareWebGpu(runtime);
        if (problem) return problem;
        await import('@tensorflow/tfjs-backend-webgpu');
        break;
      }
      case 'webgl':
        if (runtime === 'node') return 'webgl needs a browser';
        await import('@tensorflow/tfjs-backend-webgl');
        break;
      case 'wasm': {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        if (options.wasmPaths) wasm.setWasmPaths(wasmFolder(options.wasmPaths));
        break;
      }
      case 'cpu':
        await import('@tensorflow/tfjs-backend-cpu');
        break;
    }
    if (!tf.findBackendFactory(name)) return `the ${name} backend did not register`;
    const ok = await tf.setBackend(name);
    if (!ok) {
      // tfjs only logs why; a missing .wasm file is the usual reason in a browser.
      const missing = name === 'wasm' && runtime === 'browser' ? await missingWasmReason(options.wasmPaths) : null;
      return missing ?? `tf.setBackend('${name}') failed to initialise`;
    }
    await tf.ready();
    // tfjs-backend-cpu tells Node users, on its first tensor, to install tfjs-node, which TriMod
    // cannot use (tfjs-node lacks kernels we need and is not a dependency): keep the CLI quiet.
    if (name === 'cpu') quietCpuBackend();
    return null;
  } catch (err) {
    return missingBackendPackage(err, name) ?? errorMessage(err);
  }
}

/**
 * webgl and webgpu are optional peer dependencies of @trimod/core (cpu comes with wasm): when the
 * import of one fails because it is not installed, the reason says how to add it.
 */
function missingBackendPackage(err: unknown, name: BackendName): string | null {
  const pkg = `@tensorflow/tfjs-backend-${name}`;
  const message = errorMessage(err);
  if (!message.includes(pkg) || !/cannot find (module|package)|failed to resolve|ERR_MODULE_NOT_FOUND/i.test(message)) return null;
  return `${pkg} is not installed (npm install ${pkg}@${tf.version_core}, the version of tfjs-core in use)`;
}

/**
 * Makes `navigator.gpu` available and checks that an adapter exists, before tfjs's webgpu
 * backend is imported (it registers itself only when `navigator.gpu` is present at import).
 */
async function prepareWebGpu(runtime: 'node' | 'browser'): Promise<string | null> {
  const g = globalThis as unknown as { navigator?: { gpu?: GpuLike } };
  if (runtime === 'node' && !g.navigator?.gpu) {
    let mod: { create: (flags: string[]) => GpuLike; globals: Record<string, unknown> };
    try {
      mod = await importOptional('webgpu');
    } catch (err) {
      return `the optional 'webgpu' npm package is not installed (npm install webgpu @tensorflow/tfjs-backend-webgpu) [${errorMessage(err)}]`;
    }
    Object.assign(globalThis, mod.globals);
    const gpu = mod.create([]);
    const nav = g.navigator ?? {};
    Object.defineProperty(globalThis, 'navigator', { value: { ...nav, gpu }, configurable: true, writable: true });
  }
  const gpu = g.navigator?.gpu;
  if (!gpu) return 'this browser has no navigator.gpu (WebGPU disabled or unsupported)';
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    return runtime === 'node' ? `Dawn found no GPU adapter. ${HEADLESS_NVIDIA_HINT}` : 'navigator.gpu.requestAdapter() returned no adapter';
  }
  const info = adapter.info ?? {};
  lastAdapter = {
    vendor: String(info.vendor ?? ''),
    architecture: String(info.architecture ?? ''),
    device: String(info.device ?? ''),
    description: String(info.description ?? ''),
  };
  return null;
}

interface GpuLike {
  requestAdapter(): Promise<{ info?: Record<string, unknown> } | null>;
}

/**
 * `import()` that bundlers and the CJS build leave alone, for an optional ESM-only package
 * (the `webgpu` package is ESM; tsup would turn a plain import() into require() in the CJS build).
 */
async function importOptional<T>(specifier: string): Promise<T> {
  const dynamicImport = new Function('s', 'return import(s)') as (s: string) => Promise<T>;
  return dynamicImport(specifier);
}

async function wasmFeatures(): Promise<{ simd: boolean; threads: boolean }> {
  const env = tf.env();
  const simd = Boolean(await env.getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = Boolean(await env.getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  return { simd, threads };
}

/** The cpu backend prints its "install tfjs-node" banner while `firstUse` is true (backend_cpu.js, write()). */
function quietCpuBackend(): void {
  const backend = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (backend && 'firstUse' in backend) backend.firstUse = false;
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  // tfjs-backend-wasm rejects with a plain { message } object.
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(err);
}
