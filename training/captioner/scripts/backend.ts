/**
 * Picks the tfjs backend for a script: wasm (default, fastest on CPU here) or cpu, through core's
 * initBackend, which also registers the kernels training needs (among them wasm's BatchMatMul
 * with transposed operands copied first: a batch went from 6.3 s to 1.1 s).
 */
import { initBackend, type BackendPreference } from '@trimod/core';

export async function useBackend(name: string): Promise<string> {
  return (await initBackend(name as BackendPreference)).backend;
}

/** Value of `--name value` on the command line, or the fallback. */
export function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (fallback === undefined) throw new Error(`missing --${name}`);
  return fallback;
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
