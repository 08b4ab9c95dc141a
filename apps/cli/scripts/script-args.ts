import * as path from 'node:path';

/** The value after `--name` on the command line, or `fallback`; without a fallback the option is required. */
export function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1] !== undefined) return process.argv[i + 1];
  if (fallback === undefined) throw new Error(`--${name} is required`);
  return fallback;
}

/** The built `trimod` launcher and the bundled default model, as the benchmarks run them. */
export const bin = path.join(__dirname, '..', 'bin', 'trimod.cjs');
export const modelDir = path.join(path.dirname(require.resolve('@trimod/trimod/package.json')), 'model');
