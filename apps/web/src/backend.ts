import { initBackend, type BackendInfo, type BackendPreference } from '@trimod/core';
import { urls } from './site-urls';

const CHOICES: readonly BackendPreference[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];

/** The backend asked for with `?backend=` (auto when absent); an unknown name is an error. */
export function backendPreference(search: string): BackendPreference {
  const asked = new URLSearchParams(search).get('backend');
  if (asked === null || asked === '') return 'auto';
  const name = asked.toLowerCase() as BackendPreference;
  if (!CHOICES.includes(name)) throw new Error(`?backend=${asked}: unknown backend (choose ${CHOICES.join(', ')})`);
  return name;
}

/**
 * Starts tfjs on the best backend (webgpu → webgl → wasm → cpu) or the one asked for. The wasm
 * backend fetches its .wasm binaries from the site itself, so nothing comes from a CDN.
 */
export async function startBackend(preference: BackendPreference): Promise<BackendInfo & { ms: number }> {
  const t0 = performance.now();
  const info = await initBackend(preference, { wasmPaths: urls.tfjsWasm() });
  return { ...info, ms: performance.now() - t0 };
}
