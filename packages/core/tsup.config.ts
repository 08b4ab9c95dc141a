import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';
import { browserBuild } from '../../tsup.browser';

export default defineConfig([
  packageBuild({
    // Bundle tfjs-core's gradient and chained-op registrations (ESM-only files that Node cannot
    // load from the package itself); tfjs-core proper stays external (see src/tfjs-setup.ts).
    noExternal: [/@tensorflow\/tfjs-core\/dist\/(register_all_gradients|public\/chained_ops)/],
  }),
  // For browsers tfjs-core's own files are left to the user's bundler (no second copy).
  browserBuild(),
]);
