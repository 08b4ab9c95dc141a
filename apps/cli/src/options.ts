import { statSync, type Stats } from 'node:fs';
import * as path from 'node:path';

/*
 * Checks of command-line values, run before any heavy work (backend start, word vectors,
 * models), so `--epochs abc` fails at once with a message naming the option instead of
 * training zero epochs or failing an hour later. Each returns the parsed value or throws.
 */

function integer(option: string, value: string, min: number, what: string): number {
  const n = Number(value);
  if (!/^\s*[+-]?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) throw new Error(`${option} must be ${what}, got "${value}"`);
  return n;
}

/** An integer ≥ 1 (epochs, batch size, beam width, …). */
export function positiveInt(option: string, value: string): number {
  return integer(option, value, 1, 'a positive integer');
}

/** An integer ≥ 0 (a seed, a count that may be zero). */
export function nonNegativeInt(option: string, value: string): number {
  return integer(option, value, 0, 'an integer ≥ 0');
}

/** A finite number > 0 (a learning rate). */
export function positiveNumber(option: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new Error(`${option} must be a positive number, got "${value}"`);
  return n;
}

/** A probability for a dropout-like option: 0 ≤ p < 1 (1 would drop everything). */
export function probability(option: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1) throw new Error(`${option} must be a number from 0 up to (not including) 1, got "${value}"`);
  return n;
}

export function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new Error(`${option} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

export const BACKENDS = ['webgpu', 'wasm', 'cpu', 'auto'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export function backendOption(value: string, option = '--backend'): BackendChoice {
  return oneOf(option, value, BACKENDS);
}

/** A comma-separated list, each item one of `allowed`. */
export function listOf<T extends string>(option: string, value: string, allowed: readonly T[]): T[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.length === 0 || items.some((s) => s === '')) throw new Error(`${option} must be a comma-separated list of ${allowed.join(', ')}, got "${value}"`);
  for (const item of items) if (!allowed.includes(item as T)) throw new Error(`${option}: unknown value "${item}" (expected ${allowed.join(', ')})`);
  return items as T[];
}

function statOrNull(p: string): Stats | null {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

/** A file that exists and is a file; returns its absolute path. */
export function existingFile(option: string, value: string): string {
  const p = path.resolve(value);
  const st = statOrNull(p);
  if (!st) throw new Error(`${option}: no such file: ${p}`);
  if (!st.isFile()) throw new Error(`${option}: ${p} is a folder, not a file`);
  return p;
}

/** A folder that exists; returns its absolute path. */
export function existingFolder(option: string, value: string): string {
  const p = path.resolve(value);
  const st = statOrNull(p);
  if (!st) throw new Error(`${option}: no such folder: ${p}`);
  if (!st.isDirectory()) throw new Error(`${option}: ${p} is a file, not a folder`);
  return p;
}

/** A model folder, or "default" (the bundled model), as `--model` takes it. */
export function modelOption(value: string | undefined, option = '--model'): string | undefined {
  if (value === undefined || value === 'default') return value;
  const dir = existingFolder(option, value);
  if (!statOrNull(path.join(dir, 'model.json'))) throw new Error(`${option}: ${dir} holds no model.json (not a saved model)`);
  return dir;
}

/** A folder path that can be created (or already is a folder): nothing on the way is a file. */
export function outputFolder(option: string, value: string): string {
  const p = path.resolve(value);
  for (let q = p; ; q = path.dirname(q)) {
    const st = statOrNull(q);
    if (st && !st.isDirectory()) throw new Error(`${option}: ${q} is a file, not a folder`);
    if (st || path.dirname(q) === q) break;
  }
  return p;
}
