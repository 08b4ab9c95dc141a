import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

// The CLI is a Node program: one CJS file, loaded by bin/trimod.cjs.
export default defineConfig(packageBuild({ format: ['cjs'], dts: false, platform: 'node' }));
