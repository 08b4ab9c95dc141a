import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';
import { browserBuild } from '../../tsup.browser';

export default defineConfig([packageBuild(), browserBuild()]);
