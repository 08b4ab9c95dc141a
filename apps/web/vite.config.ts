import { defineConfig } from 'vite';
import { siteAssetsPlugin } from './scripts/site-assets';

export default defineConfig({
  // Relative URLs everywhere, so the built site works from any folder of any static server.
  base: './',
  // No aliases: @trimod/* resolve like in a user's app, through their package exports, where the
  // "browser" condition picks dist/browser.mjs (no Node builtins, no pngjs). The packages must be
  // built first (nx does it for build and test).
  build: {
    outDir: 'dist',
    target: 'es2022',
    // The manifest tells scripts/sizes.mjs which chunks load at start and which on demand.
    manifest: true,
    // tfjs-core is one big but necessary chunk; scripts/sizes.mjs reports the sizes instead.
    chunkSizeWarningLimit: 2048,
  },
  plugins: [siteAssetsPlugin()],
});
