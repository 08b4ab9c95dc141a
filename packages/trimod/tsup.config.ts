import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';
import { browserBuild } from '../../tsup.browser';

// shims: the CJS build gets `import.meta.url` (used to find the bundled model/ folder in Node).
export default defineConfig([packageBuild({ shims: true }), browserBuild()]);
