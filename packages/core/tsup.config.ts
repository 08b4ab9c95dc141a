import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';
import { browserBuild } from '../../tsup.browser';

export default defineConfig([
  packageBuild({
    // Two entries: the package and its `@trimod/core/artifacts` subpath (the low-level artifact
    // functions, kept out of the main index). Splitting, for CommonJS too, puts the code both
    // use in shared chunks, so there is one class registry and one ArtifactError, not two copies.
    entry: { index: 'src/index.ts', artifacts: 'src/artifacts/index.ts' },
    splitting: true,
    clean: ['!browser.mjs', '!browser.mjs.map', '!browser-artifacts.mjs', '!browser-artifacts.mjs.map'],
    // Bundle tfjs-core's gradient and chained-op registrations (ESM-only files that Node cannot
    // load from the package itself); tfjs-core proper stays external (see src/tfjs-setup.ts).
    noExternal: [/@tensorflow\/tfjs-core\/dist\/(register_all_gradients|public\/chained_ops)/],
  }),
  // For browsers tfjs-core's own files are left to the user's bundler (no second copy).
  browserBuild(),
  // The subpath's browser build: one file like browser.mjs (its ArtifactError is recognised by
  // brand across the two copies; the subpath holds no registry).
  { ...browserBuild(), entry: { 'browser-artifacts': 'src/artifacts/index.ts' } },
]);
