import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

// The CLI is a Node program: one CJS file, loaded by bin/trimod.cjs, and the script each
// `trimod tag` worker thread runs (src/tag/tagger-pool.ts finds it beside index.js).
export default defineConfig(packageBuild({ entry: { index: 'src/index.ts', 'tagger-worker': 'src/tag/tagger-worker.ts' }, format: ['cjs'], dts: false, platform: 'node' }));
