import type { Options } from 'tsup';

/** Shared tsup settings: every package ships ESM + CJS + .d.ts from src/index.ts. */
export function packageBuild(overrides: Partial<Options> = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // Keeps the browser build's output (tsup.browser.ts), which may finish first.
    clean: ['!browser.mjs', '!browser.mjs.map'],
    target: 'es2022',
    platform: 'neutral',
    // Dependencies stay external: each package resolves its own from node_modules.
    skipNodeModulesBundle: true,
    ...overrides,
  };
}
