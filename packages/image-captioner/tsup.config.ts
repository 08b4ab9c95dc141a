import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';
import { browserBuild } from '../../tsup.browser';

// shims: the CJS build gets `import.meta.url` (used to find the shipped weights/ folder in Node).
export default defineConfig([packageBuild({ shims: true }), browserBuild()]);
