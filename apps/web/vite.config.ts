import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { siteAssetsPlugin } from './scripts/site-assets';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

const PACKAGES = ['core', 'crf', 'text-encoder', 'hashtag-segmenter', 'image-captioner', 'fusion', 'trimod'];

export default defineConfig({
  // Relative URLs everywhere, so the built site works from any folder of any static server.
  base: './',
  resolve: {
    alias: {
      // Our packages from their sources (as jest and tsx see them). Their tsup builds are for
      // Node and npm: core's dist carries its own copy of tfjs-core's gradient and op files,
      // which would add ~170 kB to the page next to the tfjs-core it already loads.
      ...Object.fromEntries(PACKAGES.map((p) => [`@trimod/${p}`, here(`../../packages/${p}/src/index.ts`)])),
      // See src/browser/pngjs.ts: Node-only, never used by the page, and it breaks the page's start.
      pngjs: here('./src/browser/pngjs.ts'),
    },
  },
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
